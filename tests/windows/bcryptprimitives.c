/*
 * TEST-ONLY stand-in for Windows' bcryptprimitives.dll, for running our Windows builds under
 * Debian 12's Wine 8 (issue #11). NEVER SHIPPED: it is built into the test Wine prefix only.
 *
 * Why: Rust's standard library (1.78 and later) takes its random bytes from ProcessPrng in
 * bcryptprimitives.dll, which every Windows 10/11 has but Debian 12's Wine 8.0 does not (newer
 * Wine releases have it). Without this file every Rust .exe fails to start under Wine 8 with
 *   "Library bcryptprimitives.dll ... not found", status c0000135.
 *
 * What: the single export ProcessPrng, filled from BCryptGenRandom with the system-preferred RNG
 * (bcrypt.dll, which Wine has). ProcessPrng is documented never to fail (it always returns TRUE)
 * and Rust's std relies on that; so if the RNG ever fails we end the process rather than return
 * bytes that are not random.
 *
 * No C runtime: built with -nostdlib, so the DLL imports only kernel32.dll and bcrypt.dll
 * (tests/windows/build-standin.sh).
 */
#include <windows.h>
#include <bcrypt.h>

#ifndef BCRYPT_USE_SYSTEM_PREFERRED_RNG
#define BCRYPT_USE_SYSTEM_PREFERRED_RNG 0x00000002
#endif

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        NTSTATUS status = BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
        if (status < 0) {
            /* 0xC0000001 STATUS_UNSUCCESSFUL: never hand out non-random bytes. */
            TerminateProcess(GetCurrentProcess(), 0xC0000001u);
        }
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

/* Entry point without the C runtime (-nostdlib -e DllEntry). */
BOOL WINAPI DllEntry(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance; (void)reason; (void)reserved;
    return TRUE;
}
