//! Facts from definedness: an expression means something only where its divisors are nonzero
//! (docs/language.md §5: the answers hold on *D*, the assignments where the input is defined).

use crate::Context;
use crate::expr::{Expr, Node};
use smallvec::SmallVec;

/// The divisors of `roots` and, recursively, the factors of each (a product or a multiple
/// `k*t` is nonzero only if each factor is): every one is nonzero wherever `roots` are
/// defined. Divisors under `Where`, `And` and `Or` are left out (only one branch is evaluated,
/// and And/Or may stop early). At most 32 are returned, after at most 512 nodes visited.
pub(crate) fn divisors_in(cx: &Context, roots: &[Expr]) -> SmallVec<[Expr; 8]> {
    let mut out: SmallVec<[Expr; 8]> = SmallVec::new();
    let mut stack: SmallVec<[Expr; 16]> = roots.iter().copied().collect();
    let mut visits = 0;
    while let Some(e) = stack.pop() {
        visits += 1;
        if visits > 512 {
            break;
        }
        let node = cx.node(e);
        if let Node::FloorDiv(_, d)
        | Node::CeilDiv(_, d)
        | Node::Mod(_, d)
        | Node::IntTrueDiv(_, d)
        | Node::FloatTrueDiv(_, d) = node
        {
            let mut fs: SmallVec<[Expr; 4]> = smallvec::smallvec![*d];
            while let Some(f) = fs.pop() {
                if out.contains(&f) || out.len() >= 32 {
                    continue;
                }
                out.push(f);
                match cx.node(f) {
                    // k*t with k != 0 is nonzero only if t is; likewise each factor.
                    Node::Add(ts, 0) if ts.len() == 1 => fs.push(ts[0].0),
                    Node::Mul(xs) => fs.extend(xs.iter().copied()),
                    _ => {}
                }
            }
        }
        if !matches!(node, Node::Where(..) | Node::And(_) | Node::Or(_)) {
            stack.extend(node.children());
        }
    }
    out
}
