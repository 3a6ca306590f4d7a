//! "Did you mean" for names: the closest candidate by edit distance, when it is close.
//!
//! (The parser has its own copy for function names; `sym` keeps no public string utilities.)

/// `"; did you mean 'x0'?"` when one of `candidates` is close to `name` (at most one edit for
/// names shorter than 5 characters, two from 5 on; ties go to the first candidate), else `""`.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let limit = if name.chars().count() >= 5 { 2 } else { 1 };
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (edit_distance(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map_or_else(String::new, |(_, c)| format!("; did you mean '{c}'?"))
}

/// Levenshtein distance (insertions, deletions, substitutions) over characters.
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

#[cfg(test)]
mod tests {
    use super::{did_you_mean, edit_distance};

    #[test]
    fn distances() {
        assert_eq!(edit_distance("x0", "xo"), 1);
        assert_eq!(edit_distance("s77", "s7"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions_only_when_close() {
        assert_eq!(did_you_mean("xo", ["y", "x0"]), "; did you mean 'x0'?");
        assert_eq!(did_you_mean("nn", ["n", "size"]), "; did you mean 'n'?");
        assert_eq!(did_you_mean("q", ["s77", "x0"]), "");
        assert_eq!(did_you_mean("x", ["x"]), "");
    }
}
