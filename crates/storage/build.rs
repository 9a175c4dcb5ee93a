//! `sqlx::migrate!` reads the migrations at compile time; this tells cargo to
//! rebuild when a migration is added or changed (as sqlx's docs advise).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
