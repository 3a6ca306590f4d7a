//! Reusing a context's allocations for an unrelated query: [`Context::clear`].

use crate::Context;

/// Beyond this many nodes, [`Context::clear`] gives the memory back instead of keeping it.
pub(crate) const KEEP_NODES: usize = 1 << 16;

impl Context {
    /// Empties the context as if it were new (no nodes, symbols, ranges, assumptions, fact
    /// scopes or cached analyses; the [`crate::Limits`] stay), keeping its allocations when
    /// they are small: a server or a `batch` worker answering unrelated requests one after
    /// another pays for growing its tables once, not per request. Every handle made before is invalid afterwards (in debug
    /// builds the context takes a new identity, so using one panics with a message).
    ///
    /// ```
    /// # use sym::Context;
    /// let mut cx = Context::new();
    /// let e = cx.parse("FloorDiv(x, 4)").unwrap();
    /// cx.clear();
    /// assert_eq!(cx.node_count(), 0);
    /// let f = cx.parse("y + 1").unwrap();
    /// assert_eq!(cx.display(f), "y + 1");
    /// # let _ = e;
    /// ```
    pub fn clear(&mut self) {
        if self.nodes.capacity() > KEEP_NODES {
            let limits = std::mem::take(&mut self.limits);
            *self = Context::with_limits(limits);
            return;
        }
        self.id = crate::fresh_id();
        self.forks.clear();
        self.nodes.clear();
        self.tys.clear();
        self.meta.clear();
        self.small_ints = [u32::MAX; 129];
        self.syms.clear();
        self.sym_names.clear();
        self.parse_memo.clear();
        self.facts.clear();
        self.fact_scopes.clear();
        if let Some(s) = &mut self.scratch {
            s.reset();
        }
        #[cfg(debug_assertions)]
        self.births.clear();
        self.run = crate::limits::Run::IDLE;
        self.limit_hit = None;
    }
}
