//! Comparison rules: a relation the prover decides becomes a constant.

use super::{Rule, Session};
use crate::Truth;
use crate::expr::Expr;

impl Session<'_> {
    pub(super) fn rules_cmp(&mut self, e: Expr) -> Option<Expr> {
        match self.truth(e) {
            Truth::True => {
                self.fire(Rule::CmpDecided);
                Some(self.cx.boolean(true))
            }
            Truth::False => {
                self.fire(Rule::CmpDecided);
                Some(self.cx.boolean(false))
            }
            Truth::Unknown => None,
        }
    }
}
