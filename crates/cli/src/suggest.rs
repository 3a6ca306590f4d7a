//! "Did you mean" for names: the closest candidate by edit distance, when it is close.
//!
//! (The distance is `sym::edit_distance`, which the parser and `Context::get` use too.)

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

pub use sym::edit_distance;

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
