//! Tauri's build step: reads tauri.conf.json and the capabilities, and embeds the icons.

fn main() {
    tauri_build::build();
}
