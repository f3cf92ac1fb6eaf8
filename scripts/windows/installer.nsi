; PlanSync for Windows: a per-user installer (no administrator rights), in Vietnamese (issue #11).
; Built on Debian with its own makensis (nsis 3.08), never with Tauri's NSIS bundle, which needs
; a plugin DLL downloaded from GitHub (see docs/WINDOWS.md). scripts/windows/installer.sh runs:
;
;   makensis -INPUTCHARSET UTF8 -DSRCDIR=<dir with plansync-app.exe> -DVERSION=0.1.0 \
;            -DOUTFILE=<installer.exe> [-DWEBVIEW2LOADER] [-DICON=<.ico>] [-DCOMPRESSOR=zlib] \
;            scripts/windows/installer.nsi
;
; Installs into %LOCALAPPDATA%\Programs\PlanSync, adds a Start-menu entry and an entry in
; "Apps & features" (HKCU). The uninstaller keeps the user's data (plans, records, evidence,
; settings) unless "Xoá cả dữ liệu" is ticked, or /DELETEDATA is given to a silent uninstall:
;   "%LOCALAPPDATA%\Programs\PlanSync\Gỡ cài đặt PlanSync.exe" /S [/DELETEDATA]
;
; The administrator gives the server address once: /SERVER=https://may-chu.example.vn (before
; any /D=, which must come last) writes plansync-settings.toml beside plansync-app.exe, which the
; app reads at start, so staff never type it. Without /SERVER= an existing file is left alone;
; the uninstaller removes it. An address that is not http(s)://, or holds a space or a quote,
; stops the installer (exit code 2) before anything is installed.

Unicode true
; A 64-bit installer for a 64-bit app: it also runs under Debian's 64-bit-only Wine.
Target amd64-unicode
ManifestDPIAware true
!ifdef COMPRESSOR
  SetCompressor /SOLID ${COMPRESSOR}
!else
  SetCompressor /SOLID lzma
!endif

!ifndef SRCDIR
  !error "pass -DSRCDIR=<directory holding plansync-app.exe>"
!endif
!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef OUTFILE
  !define OUTFILE "PlanSync-${VERSION}-setup.exe"
!endif

!define PRODUCT "PlanSync"
!define IDENTIFIER "vn.gov.tuyenquang.sxd.plansync"
!define PUBLISHER "Sở Xây dựng tỉnh Tuyên Quang"
!define APP_EXE "plansync-app.exe"
!define UNINSTALLER "Gỡ cài đặt PlanSync.exe"
; The administrator's settings beside the app (src-tauri/src/admin_settings.rs).
!define SETTINGS_FILE "plansync-settings.toml"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${IDENTIFIER}"
; Microsoft Edge WebView2 Runtime's client id (the same on every Windows).
!define WEBVIEW2_GUID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_URL "https://go.microsoft.com/fwlink/p/?LinkId=2124703"

Name "${PRODUCT}"
Caption "Cài đặt ${PRODUCT}"
UninstallCaption "Gỡ cài đặt ${PRODUCT}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${PUBLISHER}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1066 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=1066 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1066 "FileDescription" "Cài đặt ${PRODUCT}"
VIAddVersionKey /LANG=1066 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1066 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1066 "LegalCopyright" "${PUBLISHER}"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_UNABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${PRODUCT} ngay"
!define MUI_COMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Vietnamese"

; The server address given with /SERVER= (empty: none given).
Var ServerUrl

LangString BadServer 1066 "Địa chỉ máy chủ không dùng được: $ServerUrl$\r$\n$\r$\nHãy cho /SERVER= một địa chỉ bắt đầu bằng https:// (hoặc http://), không có dấu cách hay dấu nháy, ví dụ /SERVER=https://may-chu.example.vn"

LangString WebView2Missing 1066 "Máy này chưa có Microsoft Edge WebView2 Runtime, thứ ${PRODUCT} cần để hiện cửa sổ.$\r$\n$\r$\nWindows 10 và 11 thường đã có sẵn. Nếu ${PRODUCT} không mở được, hãy cài WebView2 Runtime (miễn phí, của Microsoft) từ:$\r$\n${WEBVIEW2_URL}$\r$\nhoặc nhờ bộ phận tin học cài giúp."

Section "${PRODUCT}" SecApp
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; While the app runs its .exe is locked: NSIS then asks (in Vietnamese) to retry or abort.
  File "${SRCDIR}\${APP_EXE}"
!ifdef WEBVIEW2LOADER
  File "${SRCDIR}\WebView2Loader.dll"
!endif
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"
  ${If} $ServerUrl != ""
    Call WriteSettings
  ${EndIf}

  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 SW_SHOWNORMAL "" "Theo dõi kế hoạch PAR INDEX, PAPI, SIPAS"

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"

  Call CheckWebView2
SectionEnd

Function .onInit
  ${GetParameters} $R0
  Call ReadServerOption
  ${If} $R9 == "1"
    Call CheckServerUrl
  ${EndIf}
FunctionEnd

; Sets $ServerUrl to the value of /SERVER= in the parameters $R0 (its case does not matter), and
; $R9 to "1" when it was given. FileFunc's GetOptions cannot be used: it ends a value at the
; next "/", which every address holds. The value ends at a space, or at the closing quote of
; /SERVER="…" or "/SERVER=…".
Function ReadServerOption
  StrCpy $ServerUrl ""
  StrCpy $R9 ""
  StrLen $R3 $R0
  StrCpy $R4 0
  StrCpy $R7 " "
  ${While} $R4 < $R3
    StrCpy $R5 $R0 8 $R4
    ${If} $R5 == "/SERVER="
      ${If} $R4 == 0
        StrCpy $R9 "1"
      ${Else}
        IntOp $R6 $R4 - 1
        StrCpy $R5 $R0 1 $R6
        ${If} $R5 == " "
          StrCpy $R9 "1"
        ${ElseIf} $R5 == '"'
          StrCpy $R9 "1"
          StrCpy $R7 '"'
        ${EndIf}
      ${EndIf}
    ${EndIf}
    ${If} $R9 == "1"
      ${ExitWhile}
    ${EndIf}
    IntOp $R4 $R4 + 1
  ${EndWhile}
  ${If} $R9 != "1"
    Return
  ${EndIf}
  IntOp $R4 $R4 + 8
  StrCpy $R5 $R0 1 $R4
  ${If} $R5 == '"'
    IntOp $R4 $R4 + 1
    StrCpy $R7 '"'
  ${EndIf}
  StrCpy $R6 $R4
  ${While} $R6 < $R3
    StrCpy $R5 $R0 1 $R6
    ${If} $R5 == $R7
      ${ExitWhile}
    ${EndIf}
    IntOp $R6 $R6 + 1
  ${EndWhile}
  IntOp $R6 $R6 - $R4
  ${If} $R6 > 0
    StrCpy $ServerUrl $R0 $R6 $R4
  ${EndIf}
FunctionEnd

; Quits (exit code 2) unless $ServerUrl starts with http:// or https:// and holds no space or
; quote: it is written inside a TOML literal string ('…'), which cannot hold a '. The app checks
; the rest when it reads the file.
Function CheckServerUrl
  StrCpy $R1 $ServerUrl 8
  StrCpy $R2 $ServerUrl 7
  ${If} $R1 != "https://"
  ${AndIf} $R2 != "http://"
    Goto bad
  ${EndIf}
  StrLen $R3 $ServerUrl
  StrCpy $R4 0
  ${While} $R4 < $R3
    StrCpy $R5 $ServerUrl 1 $R4
    ${If} $R5 == "'"
    ${OrIf} $R5 == '"'
    ${OrIf} $R5 == " "
    ${OrIf} $R5 == "$\t"
      Goto bad
    ${EndIf}
    IntOp $R4 $R4 + 1
  ${EndWhile}
  Return
  bad:
    MessageBox MB_OK|MB_ICONSTOP "$(BadServer)" /SD IDOK
    SetErrorLevel 2
    Quit
FunctionEnd

; Writes the administrator's settings beside the app. FileWrite writes the system's code page:
; the text is ASCII (an internationalised host name goes in its xn-- form), so it is UTF-8 too.
Function WriteSettings
  ClearErrors
  FileOpen $0 "$INSTDIR\${SETTINGS_FILE}" w
  ${If} ${Errors}
    DetailPrint "Không ghi được $INSTDIR\${SETTINGS_FILE}"
    MessageBox MB_OK|MB_ICONEXCLAMATION "Không ghi được tệp cài đặt $INSTDIR\${SETTINGS_FILE}; người dùng sẽ phải nhập địa chỉ máy chủ." /SD IDOK
    Return
  ${EndIf}
  FileWrite $0 "# PlanSync: the administrator's settings, written by the installer (/SERVER=).$\r$\n"
  FileWrite $0 "server_url = '$ServerUrl'$\r$\n"
  FileClose $0
  DetailPrint "Máy chủ: $ServerUrl ($INSTDIR\${SETTINGS_FILE})"
FunctionEnd

; WebView2 is part of Windows 11 and of updated Windows 10; tell the user if it is missing, but
; install anyway (the app says so again when it starts without it).
Function CheckWebView2
  SetRegView 64
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    DetailPrint "WebView2 Runtime: không tìm thấy"
    MessageBox MB_OK|MB_ICONINFORMATION "$(WebView2Missing)" /SD IDOK
  ${Else}
    DetailPrint "WebView2 Runtime: $0"
  ${EndIf}
FunctionEnd

Section "un.${PRODUCT}" UnSecApp
  SectionIn RO
  SetShellVarContext current
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\${SETTINGS_FILE}"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd

; Off unless ticked (or /DELETEDATA): the plans, records and evidence on this laptop, the login,
; the settings and WebView2's cache (%LOCALAPPDATA%\<identifier>), and any data an earlier version
; left in the roaming profile (%APPDATA%\<identifier>; the app moves it to the local one at start).
Section /o "un.Xoá cả dữ liệu của tôi trên máy này (kế hoạch, số liệu, minh chứng chưa đồng bộ sẽ mất)" UnSecData
  SetShellVarContext current
  RMDir /r "$APPDATA\${IDENTIFIER}"
  RMDir /r "$LOCALAPPDATA\${IDENTIFIER}"
SectionEnd

Function un.onInit
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/DELETEDATA" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${UnSecData} ${SF_SELECTED}
  ${EndIf}
FunctionEnd
