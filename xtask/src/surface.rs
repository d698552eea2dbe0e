//! Reports what changed in the API between two `api-surface.txt` listings.

use std::collections::BTreeMap;

fn entries(listing: &str) -> BTreeMap<&str, &str> {
    listing
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once(" = "))
        .collect()
}

/// A human-readable summary: operations, types, fields and values added, removed or changed.
pub fn summarize(old: &str, new: &str) -> String {
    let (old, new) = (entries(old), entries(new));
    let mut out = String::new();
    let mut counts = (0, 0, 0);
    for (key, value) in &new {
        match old.get(key) {
            None => {
                counts.0 += 1;
                out.push_str(&format!("  + {key} = {value}\n"));
            }
            Some(before) if before != value => {
                counts.2 += 1;
                out.push_str(&format!("  ~ {key}: {before} -> {value}\n"));
            }
            Some(_) => {}
        }
    }
    for (key, value) in &old {
        if !new.contains_key(key) {
            counts.1 += 1;
            out.push_str(&format!("  - {key} = {value}\n"));
        }
    }
    let ops = new.keys().filter(|k| k.starts_with("operation ")).count();
    let types = new.keys().filter(|k| k.starts_with("type ")).count();
    let fields = new.keys().filter(|k| k.starts_with("field ")).count();
    let head = format!(
        "API: {ops} operations, {types} types, {fields} fields; {} added, {} removed, {} changed since the committed code\n",
        counts.0, counts.1, counts.2
    );
    if old.is_empty() {
        return head; // first generation: listing every item would only repeat the file
    }
    head + &out
}

#[cfg(test)]
mod tests {
    use super::summarize;

    #[test]
    fn reports_added_removed_and_changed() {
        let old = "operation A = x\nfield T.a = string [0..1]\nfield T.b = int [1..1]\n";
        let new = "operation A = x\noperation B = y\nfield T.a = string [1..1]\n";
        let s = summarize(old, new);
        assert!(s.contains("2 operations"), "{s}");
        assert!(s.contains("1 added, 1 removed, 1 changed"), "{s}");
        assert!(s.contains("+ operation B = y"), "{s}");
        assert!(s.contains("- field T.b = int [1..1]"), "{s}");
        assert!(s.contains("~ field T.a: string [0..1] -> string [1..1]"), "{s}");
    }
}
