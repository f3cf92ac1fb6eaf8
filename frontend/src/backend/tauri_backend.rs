//! The backend of the desktop app: Tauri commands through `window.__TAURI__.core.invoke`.
//!
//! The global exists because `tauri.conf.json` sets `app.withGlobalTauri`. Arguments and answers
//! travel as JSON and are read with serde_json, so the frontend reads exactly what the app wrote.

use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use shared::Plan;

use super::{Backend, BackendError, BackendFuture, ErrorCode};

#[wasm_bindgen]
extern "C" {
    /// Tauri's `invoke`; it rejects with the command's serialized error.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

/// Calls the application's Tauri commands.
#[derive(Debug, Clone, Copy, Default)]
pub struct TauriBackend;

impl Backend for TauriBackend {
    fn load_plan(&self) -> BackendFuture<Plan> {
        Box::pin(call("load_plan"))
    }
}

async fn call<T: DeserializeOwned>(cmd: &'static str) -> Result<T, BackendError> {
    let args = js_sys::Object::new().into();
    match invoke(cmd, args).await {
        Ok(value) => {
            let json = to_json(&value);
            serde_json::from_str(&json).map_err(|err| {
                BackendError::new(
                    ErrorCode::Ipc,
                    format!("answer to {cmd} is not readable: {err}"),
                )
            })
        }
        Err(value) => Err(BackendError::from_wire(&to_json(&value))),
    }
}

/// The JSON text of a JavaScript value; an exception object (which JSON cannot express) becomes
/// its name and message, quoted.
fn to_json(value: &JsValue) -> String {
    if let Some(err) = value.dyn_ref::<js_sys::Error>() {
        let text = format!(
            "{}: {}",
            String::from(err.name()),
            String::from(err.message())
        );
        return serde_json::Value::String(text).to_string();
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|json| json.as_string())
        .unwrap_or_else(|| serde_json::Value::String(format!("{value:?}")).to_string())
}
