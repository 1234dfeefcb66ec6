//! keyctl: administration of API keys for one tenant kept in one SQLite file.
//!
//! The binary is a thin layer over this library. A service that checks presented keys
//! embeds it and calls [`Tenant::verify`]:
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! # let path = dir.path().join("tenant.db");
//! # keyctl::Tenant::create(&path, "admin", "admin").unwrap();
//! let mut tenant = keyctl::Tenant::open(&path)?;
//! match tenant.verify("kc_0123456789abcdef_not-a-real-key")? {
//!     Ok(ok) => println!("key {} of {}", ok.id, ok.owner),
//!     Err(rejection) => println!("refused: {rejection}"),
//! }
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod cli;
pub mod duration;
pub mod error;
pub mod idlist;
pub mod model;
pub mod policy;
pub mod store;
pub mod token;

mod events;
mod keys;
mod settings;
mod tenant;
mod users;
mod verify;

pub use events::{Anchor, ChainReport};
pub use keys::{BulkOutcome, BulkResult, Expiry, Generated};
pub use model::{Event, Key, Role, Settings, Status, User};
pub use settings::SettingChange;
pub use store::events::{Filter as EventFilter, TopRow};
pub use store::keys::{Query as KeyQuery, SortField};
pub use tenant::{Change, Tenant, check_key_name, check_user_name, now};
pub use verify::{Rejection, Verified};
