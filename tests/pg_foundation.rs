//! The PostgreSQL test fixture itself: each test gets its own database, dropped
//! afterwards even when the test fails; without `KEYCTL_TEST_POSTGRES` the PostgreSQL
//! tests return early and the run says so once.

mod common;

use common::{PgDb, pg_server_url};

fn exists(server: &str, name: &str) -> bool {
    let mut c = postgres::Client::connect(server, postgres::NoTls).unwrap();
    c.query_one(
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
        &[&name],
    )
    .unwrap()
    .get(0)
}

#[test]
fn each_test_gets_its_own_database_dropped_afterwards() {
    let Some(server) = pg_server_url() else {
        return;
    };
    let (a, b) = (PgDb::new().unwrap(), PgDb::new().unwrap());
    assert_ne!(a.name, b.name);
    assert!(
        a.name
            .starts_with(&format!("keyctl_t_{}_", std::process::id()))
    );
    let current: String = a
        .client()
        .query_one("SELECT current_database()", &[])
        .unwrap()
        .get(0);
    assert_eq!(current, a.name);
    // An open connection does not keep the database alive (DROP … WITH (FORCE)).
    let _open = a.client();
    let name = a.name.clone();
    drop(a);
    assert!(!exists(&server, &name));
    assert!(exists(&server, &b.name));
}

#[test]
fn the_database_is_dropped_when_the_test_panics() {
    let Some(server) = pg_server_url() else {
        return;
    };
    let (send, recv) = std::sync::mpsc::channel();
    let failed = std::thread::spawn(move || {
        let db = PgDb::new().unwrap();
        send.send(db.name.clone()).unwrap();
        panic!("a failing test");
    })
    .join();
    assert!(failed.is_err());
    let name = recv.recv().unwrap();
    assert!(!exists(&server, &name), "{name} left behind");
}

/// The tests of one binary share a budget of server connections: a test waits for its
/// share, and a second tenant inside a test that holds one does not wait (no deadlock).
#[test]
fn the_connection_budget_is_shared_and_nested_permits_are_free() {
    use common::PgPermit;
    use std::time::Duration;
    let all = PgPermit::acquire(usize::MAX);
    let nested = PgPermit::acquire(5);
    let (send, recv) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let _p = PgPermit::acquire(1);
        send.send(()).unwrap();
    });
    assert!(
        recv.recv_timeout(Duration::from_millis(300)).is_err(),
        "a permit was handed out beyond the budget"
    );
    drop(nested);
    drop(all);
    recv.recv_timeout(Duration::from_secs(10))
        .expect("the waiting test got its permit");
    waiter.join().unwrap();
}
