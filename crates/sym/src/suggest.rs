//! "Did you mean": the edit distance between names, shared by the parser (unknown functions),
//! [`Context::get`](crate::Context::get) (unknown symbols) and the CLI (option values).

/// Levenshtein distance (insertions, deletions, substitutions) over characters.
///
/// ```
/// assert_eq!(sym::edit_distance("FlorDiv", "FloorDiv"), 1);
/// assert_eq!(sym::edit_distance("kitten", "sitting"), 3);
/// ```
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
