//! Compresses the built-in indicator systems (`systems/*.json`) into `OUT_DIR`.
//!
//! The systems are ~200 KiB of JSON text and deflate to ~26 KiB; they are inflated once, on first
//! use (`Builtin::text`). This keeps them out of the size of every binary that links the engine —
//! the WASM module above all, which the calculator page downloads.

use std::fs;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=systems");
    let out = std::env::var("OUT_DIR")?;
    for entry in fs::read_dir("systems")? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if !name.ends_with(".json") || name.ends_with(".example.json") {
            continue;
        }
        println!("cargo::rerun-if-changed={}", path.display());
        let text = fs::read(&path)?;
        let packed = miniz_oxide::deflate::compress_to_vec(&text, 10);
        fs::write(Path::new(&out).join(format!("{name}.deflate")), packed)?;
    }
    Ok(())
}
