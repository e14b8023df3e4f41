//! Compresses the built-in indicator systems (`systems/*.json`) and their example inputs
//! (`systems/*.example.json`) into one deflate stream in `OUT_DIR`, with an index of where each
//! text lies in it.
//!
//! The texts are ~210 KiB and deflate to ~25 KiB together (the systems share most of their
//! vocabulary, so one stream is smaller than one per file); they are inflated once, on first
//! use (`builtin.rs`). This keeps them out of the size of every binary that links the engine —
//! the WASM module above all, which the calculator page downloads.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=systems");
    let out = std::env::var("OUT_DIR")?;
    let mut ids: Vec<String> = Vec::new();
    for entry in fs::read_dir("systems")? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".json").filter(|id| !id.ends_with(".example")) {
            ids.push(id.to_string());
        }
    }
    ids.sort();
    let mut bundle: Vec<u8> = Vec::new();
    let mut index = String::from("[\n");
    for id in &ids {
        let mut range = |file: String| -> Result<(usize, usize), Box<dyn std::error::Error>> {
            let path = Path::new("systems").join(&file);
            println!("cargo::rerun-if-changed={}", path.display());
            let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let start = bundle.len();
            bundle.extend_from_slice(text.as_bytes());
            Ok((start, bundle.len()))
        };
        let (s0, s1) = range(format!("{id}.json"))?;
        let (e0, e1) = range(format!("{id}.example.json"))?;
        writeln!(index, "    ({id:?}, {s0}, {s1}, {e0}, {e1}),")?;
    }
    index.push(']');
    let packed = miniz_oxide::deflate::compress_to_vec(&bundle, 10);
    fs::write(Path::new(&out).join("builtins.deflate"), packed)?;
    fs::write(Path::new(&out).join("builtins_index.rs"), index)?;
    Ok(())
}
