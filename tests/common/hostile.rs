//! Hostile inputs shared by `tests/bad_input.rs` and `examples/bench_bad_input.rs`, so the
//! benchmark measures exactly what the tests check.

/// YAML whose aliases expand exponentially ("billion laughs"): 72 alias references that would expand to 9^9 strings.
pub fn alias_bomb() -> String {
    let mut yaml = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        yaml.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    format!("---\n{yaml}title: x\n---\nbody\n")
}

/// An HTML page with `depth` nested `tag` elements around the text `深层内容`.
pub fn nested_page(tag: &str, depth: usize) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>深层页面</title></head><body>{}深层内容{}</body></html>",
        format!("<{tag}>").repeat(depth),
        format!("</{tag}>").repeat(depth)
    )
}
