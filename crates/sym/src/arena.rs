//! Marks and rollback of the arena: memory that does not only grow in a long-lived context.
//!
//! A context interns every node it ever made, including the intermediate ones of each
//! simplification, so a context held for a whole compilation grows with every query. The
//! pattern for long-lived use:
//!
//! ```
//! use sym::Context;
//! let mut cx = Context::new();
//! let s0 = cx.symbol("s0").unwrap();
//! cx.set_range_int(s0, 1, 4096).unwrap(); // facts first: they must not mention later nodes
//! let base = cx.mark();
//! for k in 1..100 {
//!     let e = cx.parse(&format!("FloorDiv({k}*s0 + {k}, s0 + 1)")).unwrap();
//!     let s = cx.simplify(e);
//!     assert_eq!(cx.display(s), k.to_string()); // use the answer...
//!     cx.rollback(base).unwrap(); // ...then drop every node made since `base`
//! }
//! // To keep some answers: copy them below a new mark, and move the mark past them.
//! let mut m = cx.mark();
//! let mut kept = Vec::new();
//! for k in 1..100 {
//!     let e = cx.parse(&format!("FloorDiv({k}*s0 + {k}, s0 + 1)")).unwrap();
//!     let mut roots = [cx.simplify(e)];
//!     // Drops everything made since `m` except what `roots` needs (copied back, the
//!     // handles in `roots` updated). Other handles made since `m` are invalid afterwards.
//!     cx.rollback_keeping(m, &mut roots).unwrap();
//!     kept.push(roots[0]);
//!     m = cx.mark();
//! }
//! assert_eq!(cx.display(kept[6]), "7");
//! ```
//!
//! [`Context::rollback`] drops everything made since the mark; [`Context::rollback_keeping`]
//! keeps the expressions a caller still holds (above the mark: a later rollback to the same
//! mark drops them, so mark again after keeping). Either way the cost is proportional to what is
//! dropped and kept, not to the context's size. Facts (ranges, assumptions, also those saved by
//! [`Context::push_facts`]) must not mention an expression made after the mark: set them
//! before marking (a rollback that would orphan one is refused and changes nothing).

use crate::Context;
use crate::error::Error;
use crate::expr::{Args, Expr, Node, Symbol, Terms, Ty};
use rustc_hash::FxHashMap;

/// A point in a context's history to roll back to: see [`Context::mark`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    nodes: u32,
    syms: u32,
    /// The context that made the mark (debug builds: a mark of another context is refused).
    #[cfg(debug_assertions)]
    owner: u32,
}

impl Context {
    /// The current point of the arena, for [`Context::rollback`] and
    /// [`Context::rollback_keeping`].
    pub fn mark(&self) -> Mark {
        Mark {
            nodes: self.nodes.len() as u32,
            syms: self.syms.len() as u32,
            #[cfg(debug_assertions)]
            owner: self.id,
        }
    }

    /// Drops the nodes from `n` on and the symbols from `ns` on ([`Context::rollback`],
    /// [`Context::back_to_facts`]), with the parsed texts whose expressions are dropped (an
    /// expression made before that point has its nodes and symbols before it too). Debug
    /// builds: handles of the dropped nodes stop matching their slots, whatever is made there
    /// later. The small-constant table and the facts are the caller's to mend.
    pub(crate) fn truncate_arena(&mut self, n: usize, ns: usize) {
        self.parse_memo.forget_from(n);
        self.syms.truncate(ns);
        self.sym_names.truncate(ns);
        self.nodes.truncate(n);
        self.tys.truncate(n);
        self.meta.truncate(n);
        #[cfg(debug_assertions)]
        {
            self.births.truncate(n);
            self.clock = self.clock.wrapping_add(1);
            for f in self.forks.iter_mut() {
                f.1 = f.1.min(n as u32);
            }
        }
    }

    /// Drops every node and symbol made since `m`. Handles made since then are invalid
    /// afterwards: debug builds detect their use (a panic naming the cause, as for a handle of
    /// another context); release builds check only the index ([`Context::owns`]), so a stale
    /// handle may name a node made later. Refused, with nothing changed, when the facts mention something
    /// made since `m`, or when `m` is not a point of this context's current history (the
    /// context is smaller than at `m`).
    pub fn rollback(&mut self, m: Mark) -> Result<(), Error> {
        self.rollback_keeping(m, &mut [])
    }

    /// [`Context::rollback`], keeping the expressions `roots`: the nodes they need that were
    /// made since `m` are copied back (with the symbols they mention, recreated by name and
    /// type), and `roots` is updated to the copies. Symbol handles made since `m` are invalid
    /// afterwards even when their symbol is kept: look it up again with [`Context::get`].
    pub fn rollback_keeping(&mut self, m: Mark, roots: &mut [Expr]) -> Result<(), Error> {
        let (n, ns) = (m.nodes as usize, m.syms as usize);
        if n > self.nodes.len() || ns > self.syms.len() {
            return Err(Error::Range(format!(
                "rollback: the mark ({n} nodes) is not in this context's history ({} nodes)",
                self.nodes.len()
            )));
        }
        #[cfg(debug_assertions)]
        if m.owner != self.id
            && !self
                .forks
                .iter()
                .any(|&(id, len)| id == m.owner && m.nodes <= len)
        {
            return Err(Error::Range(
                "rollback: the mark was made by another context".into(),
            ));
        }
        for &r in roots.iter() {
            self.check_owner(r);
        }
        if let Some(e) = self.fact_exprs().into_iter().find(|e| e.index() >= n) {
            return Err(Error::Range(format!(
                "rollback: the facts mention {}, made after the mark (set facts before mark())",
                self.display(e)
            )));
        }
        // The nodes to keep, children before parents, copied out before truncating.
        let mut order: Vec<Expr> = Vec::new();
        let mut seen: FxHashMap<Expr, ()> = FxHashMap::default();
        let mut stack: Vec<(Expr, bool)> = roots
            .iter()
            .rev()
            .filter(|r| r.index() >= n)
            .map(|r| (*r, false))
            .collect();
        while let Some((x, done)) = stack.pop() {
            if done {
                order.push(x);
                continue;
            }
            if seen.insert(x, ()).is_some() {
                continue;
            }
            stack.push((x, true));
            for c in self.node(x).children().into_iter().rev() {
                if c.index() >= n && !seen.contains_key(&c) {
                    stack.push((c, false));
                }
            }
        }
        let copies: Vec<(Expr, Node, Ty)> = order
            .iter()
            .map(|&x| (x, self.node(x).clone(), self.ty(x)))
            .collect();
        let sym_info: Vec<(Box<str>, Ty)> = self.syms[ns..]
            .iter()
            .zip(self.sym_names.iter().skip(ns))
            .map(|(i, name)| (Box::from(name), i.ty))
            .collect();

        self.truncate_arena(n, ns);
        for h in self.small_ints.iter_mut() {
            if *h != u32::MAX && *h as usize >= n {
                *h = u32::MAX;
            }
        }
        self.facts_after_rollback(m.syms);

        // Copy the kept nodes back, children first.
        let mut map: FxHashMap<Expr, Expr> = FxHashMap::default();
        let mut sym_map: FxHashMap<u32, Symbol> = FxHashMap::default();
        for (old, node, ty) in copies {
            let e = match node {
                Node::Sym(s) if s.idx as usize >= ns => {
                    let (name, sty) = &sym_info[s.idx as usize - ns];
                    let t = self.new_symbol(name, *sty);
                    sym_map.insert(s.idx, t);
                    self.sym(t)
                }
                node => {
                    let f = |c: Expr| map.get(&c).copied().unwrap_or(c);
                    let node = remap(&node, f);
                    self.intern(node, ty)
                }
            };
            map.insert(old, e);
        }
        for r in roots.iter_mut() {
            if let Some(e) = map.get(r) {
                *r = *e;
            }
        }
        Ok(())
    }
}

/// `n` with every child replaced by `f(child)` (same operator, same order).
fn remap(n: &Node, f: impl Fn(Expr) -> Expr) -> Node {
    let args = |a: &Args| a.iter().map(|x| f(*x)).collect::<Args>();
    match n {
        Node::Int(_) | Node::Float(_) | Node::Bool(_) | Node::Sym(_) => n.clone(),
        Node::Add(ts, c) => Node::Add(ts.iter().map(|(t, k)| (f(*t), *k)).collect::<Terms>(), *c),
        Node::Mul(a) => Node::Mul(args(a)),
        Node::Min(a) => Node::Min(args(a)),
        Node::Max(a) => Node::Max(args(a)),
        Node::And(a) => Node::And(args(a)),
        Node::Or(a) => Node::Or(args(a)),
        Node::Pow(a, k) => Node::Pow(f(*a), *k),
        Node::Abs(a) => Node::Abs(f(*a)),
        Node::ToFloat(a) => Node::ToFloat(f(*a)),
        Node::FNeg(a) => Node::FNeg(f(*a)),
        Node::TruncToInt(a) => Node::TruncToInt(f(*a)),
        Node::FloorToInt(a) => Node::FloorToInt(f(*a)),
        Node::CeilToInt(a) => Node::CeilToInt(f(*a)),
        Node::RoundToInt(a) => Node::RoundToInt(f(*a)),
        Node::Not(a) => Node::Not(f(*a)),
        Node::FloorDiv(a, b) => Node::FloorDiv(f(*a), f(*b)),
        Node::CeilDiv(a, b) => Node::CeilDiv(f(*a), f(*b)),
        Node::Mod(a, b) => Node::Mod(f(*a), f(*b)),
        Node::IntTrueDiv(a, b) => Node::IntTrueDiv(f(*a), f(*b)),
        Node::FloatTrueDiv(a, b) => Node::FloatTrueDiv(f(*a), f(*b)),
        Node::FAdd(a, b) => Node::FAdd(f(*a), f(*b)),
        Node::FMul(a, b) => Node::FMul(f(*a), f(*b)),
        Node::Eq(a, b) => Node::Eq(f(*a), f(*b)),
        Node::Ne(a, b) => Node::Ne(f(*a), f(*b)),
        Node::Lt(a, b) => Node::Lt(f(*a), f(*b)),
        Node::Le(a, b) => Node::Le(f(*a), f(*b)),
        Node::Where(c, a, b) => Node::Where(f(*c), f(*a), f(*b)),
    }
}
