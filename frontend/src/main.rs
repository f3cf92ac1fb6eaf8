//! The wasm entry point trunk builds; natively it does nothing (the crate's tests live in the lib).

fn main() {
    #[cfg(target_arch = "wasm32")]
    frontend::start();
}
