//! keyctl: administration of API keys for one tenant kept in one SQLite file.
//!
//! The binary is a thin layer over this library. A service that checks presented keys
//! embeds it and calls [`Tenant::verify`]:
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! # let path = dir.path().join("tenant.db");
//! # let mut setup = keyctl::Tenant::create(&path, "admin", "admin")?;
//! # let admin = setup.operator("admin", keyctl::policy::Action::ChangeSettings)?;
//! # setup.change_setting(&admin, keyctl::SettingChange::Enabled(true))?;
//! # setup.add_user(&admin, "billing", &[keyctl::Role::Developer], true)?;
//! # let owner = setup.operator("billing", keyctl::policy::Action::GenerateKey)?;
//! # let presented = setup.generate_key(&owner, "billing service", keyctl::Expiry::Default)?.secret;
//! let mut tenant = keyctl::Tenant::open(&path)?;
//! match tenant.verify(&presented)? {
//!     Ok(ok) => println!("key {} of {}", ok.id, ok.owner), // a use is recorded
//!     Err(rejection) => println!("refused: {rejection}"), // malformed, unknown, revoked, ...
//! }
//! # assert_eq!(tenant.verify(&presented)?.unwrap().owner, "billing");
//! assert_eq!(tenant.verify("kc_typo")?, Err(keyctl::Rejection::Malformed));
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod chain;
#[doc(hidden)]
pub mod cli;
pub mod duration;
pub mod error;
pub mod idlist;
pub mod model;
pub mod policy;
pub mod text;
pub mod token;

mod copy;
mod events;
mod follow;
mod keys;
mod rotate;
mod settings;
mod store;
mod tenant;
mod usage;
mod users;
mod verify;

pub use copy::{Copied, CopyProgress};
pub use events::{Anchor, ChainReport};
pub use keys::{BulkOutcome, BulkResult, Expiry, Generated, check_key_id};
pub use model::{Event, Key, Role, Settings, Status, User};
pub use rotate::Rotated;
pub use settings::SettingChange;
pub use store::{Filter as EventFilter, Query as KeyQuery, SortField, TopRow, display_location};
pub use tenant::{Change, Tenant, check_key_name, check_user_name, now};
pub use usage::{FOLD_AGE, FOLD_ROWS};
pub use verify::{Rejection, Verified, Verifier};
