//! "Recently viewed": the ids of the last products this browser opened, newest first.
//!
//! Product details keeps the list for itself in `localStorage`, ids only: names, pictures and
//! prices always come from the API. Nothing else reads the key, so it is no channel to other
//! remotes; whatever is found there is read defensively, since any script can write it.

/// The one key this remote uses.
pub const STORAGE_KEY: &str = "product-details:recently-viewed";

/// How many other products the strip shows.
pub const SHOWN: usize = 6;

/// How many ids are kept: the strip's worth plus the product on screen.
const KEPT: usize = SHOWN + 1;

/// Reads a stored list: a JSON array of product ids. Anything else (junk, another shape,
/// non-integer or out-of-range numbers, repeats) is dropped, never an error.
pub fn parse(raw: &str) -> Vec<u32> {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(raw) else {
        return Vec::new();
    };
    let mut ids: Vec<u32> = Vec::new();
    for id in items.iter().filter_map(|v| v.as_u64()).filter_map(|n| u32::try_from(n).ok()) {
        if id > 0 && !ids.contains(&id) {
            ids.push(id);
        }
        if ids.len() == KEPT {
            break;
        }
    }
    ids
}

/// `ids` with `id` moved to the front, bounded.
pub fn remember(mut ids: Vec<u32>, id: u32) -> Vec<u32> {
    ids.retain(|&i| i != id);
    ids.insert(0, id);
    ids.truncate(KEPT);
    ids
}

/// The products to show while `current` is on screen.
pub fn others(ids: &[u32], current: Option<u32>) -> Vec<u32> {
    ids.iter().copied().filter(|&i| Some(i) != current).take(SHOWN).collect()
}

fn storage() -> Option<web_sys::Storage> {
    // Storage may be switched off or full; the strip is a nicety, so it then stays empty.
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load() -> Vec<u32> {
    storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).map(|raw| parse(&raw)).unwrap_or_default()
}

/// Records that `id` is being viewed.
pub fn record(id: u32) {
    let Some(storage) = storage() else { return };
    let ids = remember(load(), id);
    if let Ok(json) = serde_json::to_string(&ids) {
        let _ = storage.set_item(STORAGE_KEY, &json);
    }
}

/// Drops `id` (a product the API no longer knows).
pub fn forget(id: u32) {
    let Some(storage) = storage() else { return };
    let mut ids = load();
    ids.retain(|&i| i != id);
    if let Ok(json) = serde_json::to_string(&ids) {
        let _ = storage.set_item(STORAGE_KEY, &json);
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn junk_is_ignored() {
        assert_eq!(parse("[3, 1, 2]"), vec![3, 1, 2]);
        for junk in ["", "null", "{}", "\"1,2\"", "not json", "[", "{\"ids\": [1]}"] {
            assert_eq!(parse(junk), Vec::<u32>::new(), "{junk}");
        }
        assert_eq!(parse(r#"[1, "2", 3.5, -4, 0, null, 4294967296, 5, 1, [6], 7]"#), vec![1, 5, 7]);
        assert_eq!(parse("[1,2,3,4,5,6,7,8,9]").len(), KEPT);
    }

    #[wasm_bindgen_test]
    fn the_newest_comes_first_once() {
        assert_eq!(remember(vec![1, 2, 3], 2), vec![2, 1, 3]);
        assert_eq!(remember(vec![], 9), vec![9]);
        assert_eq!(remember((1..=7).collect(), 8), vec![8, 1, 2, 3, 4, 5, 6]);
        assert_eq!(others(&[4, 1, 2], Some(4)), vec![1, 2]);
        assert_eq!(others(&(1..=7).collect::<Vec<_>>(), None).len(), SHOWN);
    }
}
