//! The backend-neutral part of a key listing: the filters and the ordering of
//! [`Query`], as SQL text with the placeholders a backend names and the values it binds.
//! Each backend adds its own search clause and limit, and converts the [`Arg`]s.

use crate::model::Status;
use crate::store::api::{Filter, Query, SortField};

/// A value bound to a placeholder of a [`KeyQuery`].
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

/// A key listing being built: its SQL so far and the values of its placeholders; the
/// first placeholder is always `now`, so the status expressions can use it.
pub(crate) struct KeyQuery {
    placeholder: fn(usize) -> String,
    pub(crate) sql: String,
    pub(crate) args: Vec<Arg>,
}

impl KeyQuery {
    /// Starts from `select`, which must accept ` AND …` conditions, with `now` bound to
    /// the first placeholder (`placeholder(n)` names the `n`th, from 1), and appends the
    /// conditions of `q` but its search, and the owner's identity when given.
    pub(crate) fn new(
        select: String,
        placeholder: fn(usize) -> String,
        q: &Query,
        owner_uid: Option<i64>,
        now: i64,
    ) -> Self {
        let mut kq = KeyQuery {
            placeholder,
            sql: select,
            args: vec![Arg::Int(now)],
        };
        kq.filter(q, owner_uid, now);
        kq
    }

    /// Binds `arg` to a new placeholder and returns its name.
    pub(crate) fn bind(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        (self.placeholder)(self.args.len())
    }

    fn filter(&mut self, q: &Query, owner_uid: Option<i64>, now: i64) {
        let at = (self.placeholder)(1);
        if let Some(uid) = owner_uid {
            let p = self.bind(Arg::Int(uid));
            self.sql.push_str(&format!(" AND owner_uid = {p}"));
        }
        if let Some(owner) = &q.owner {
            let p = self.bind(Arg::Text(owner.clone()));
            self.sql.push_str(&format!(" AND owner = {p}"));
        }
        if !q.statuses.is_empty() {
            let parts: Vec<String> = q
                .statuses
                .iter()
                .map(|s| match s {
                    Status::Active => format!("(revoked IS NULL AND expires > {at})"),
                    Status::Expired => format!("(revoked IS NULL AND expires <= {at})"),
                    Status::Revoked => "(revoked IS NOT NULL)".to_string(),
                })
                .collect();
            self.sql.push_str(&format!(" AND ({})", parts.join(" OR ")));
        }
        if let Some(within) = q.expiring_within {
            let p = self.bind(Arg::Int(now.saturating_add(within)));
            self.sql.push_str(&format!(
                " AND revoked IS NULL AND expires > {at} AND expires <= {p}"
            ));
        }
    }

    /// Appends the ORDER BY of `q`: its sort column as `sort_sql` writes it (creation
    /// when none, newest first), then insertion order; `desc` and `asc` are the
    /// backend's words for the two directions.
    pub(crate) fn order(
        &mut self,
        q: &Query,
        sort_sql: fn(SortField) -> &'static str,
        desc: &str,
        asc: &str,
    ) {
        let field = q.sort.map_or("created", sort_sql);
        let dir = if q.sort.is_none() != q.reverse {
            desc
        } else {
            asc
        };
        self.sql
            .push_str(&format!(" ORDER BY {field} {dir}, seq {dir}"));
    }
}

/// The `WHERE` clause of the event filter `f` (without its limit) and its arguments;
/// `all` is the backend's condition that always holds, `placeholder(n)` names the `n`th
/// argument (from 1).
pub(crate) fn event_filter(
    f: &Filter,
    all: &str,
    placeholder: fn(usize) -> String,
) -> (String, Vec<Arg>) {
    let mut sql = format!(" WHERE {all}");
    let mut args: Vec<Arg> = Vec::new();
    let mut add = |clause: &str, v: Arg| {
        args.push(v);
        sql.push_str(&format!(" AND {clause} {}", placeholder(args.len())));
    };
    if let Some(k) = &f.key_id {
        add("key_id =", Arg::Text(k.clone()));
    }
    if let Some(a) = &f.actor {
        add("actor =", Arg::Text(a.clone()));
    }
    if let Some(t) = &f.kind {
        add("type =", Arg::Text(t.clone()));
    }
    if let Some(s) = f.since {
        add("time >=", Arg::Int(s));
    }
    if let Some(u) = f.until {
        add("time <=", Arg::Int(u));
    }
    (sql, args)
}

/// Escapes `%`, `_` and `\` for a `LIKE`/`ILIKE … ESCAPE '\'` pattern of a substring.
pub(crate) fn like_literal(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text both backends wrote before the builder was shared, placeholders aside.
    #[test]
    fn filters_and_order_keep_their_text_and_argument_order() {
        let q = Query {
            owner: Some("alice".into()),
            statuses: vec![Status::Active, Status::Expired, Status::Revoked],
            expiring_within: Some(60),
            sort: Some(SortField::Name),
            reverse: true,
            ..Query::default()
        };
        let mut kq = KeyQuery::new("S WHERE 1".into(), |n| format!("?{n}"), &q, Some(7), 100);
        kq.order(&q, |_| "name", "DESC", "ASC");
        assert_eq!(
            kq.sql,
            "S WHERE 1 AND owner_uid = ?2 AND owner = ?3 AND ((revoked IS NULL AND expires > ?1) \
             OR (revoked IS NULL AND expires <= ?1) OR (revoked IS NOT NULL)) \
             AND revoked IS NULL AND expires > ?1 AND expires <= ?4 ORDER BY name DESC, seq DESC"
        );
        let args: Vec<String> = kq
            .args
            .iter()
            .map(|a| match a {
                Arg::Int(i) => i.to_string(),
                Arg::Text(t) => t.clone(),
            })
            .collect();
        assert_eq!(args, ["100", "7", "alice", "160"]);

        let q = Query::default();
        let mut kq = KeyQuery::new("S WHERE true".into(), |n| format!("${n}"), &q, None, 5);
        kq.order(&q, |_| unreachable!(), "DESC NULLS LAST", "ASC NULLS FIRST");
        assert_eq!(
            kq.sql,
            "S WHERE true ORDER BY created DESC NULLS LAST, seq DESC NULLS LAST"
        );
        assert_eq!(like_literal("a%_\\b"), "%a\\%\\_\\\\b%");
    }
}
