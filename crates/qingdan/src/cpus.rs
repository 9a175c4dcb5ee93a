//! Which CPUs the server runs on: `cpus` in the file, `--cpus` or
//! `QINGDAN_CPUS`. On SQLite the default is one: its writes go one at a
//! time, and each query hops between a runtime thread and the connection's
//! own thread; on two cores every hop wakes the other core. Measured on a
//! 2-vCPU machine (docs/benchmarks.md), one core gave twice the requests per
//! second and half the CPU per request in every phase. On PostgreSQL the
//! server keeps every CPU it was given.

use anyhow::{Result, bail};
use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;

/// The `cpus` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cpus {
    /// One CPU on SQLite, all on PostgreSQL.
    Auto,
    /// Every CPU the process was given.
    All,
    /// The first `n` of the CPUs the process was given.
    First(usize),
}

impl Cpus {
    /// Parses `auto`, `all` or a count of at least 1.
    pub fn parse(text: &str) -> Result<Cpus> {
        match text.trim() {
            "" | "auto" => Ok(Cpus::Auto),
            "all" => Ok(Cpus::All),
            n => match n.parse::<usize>() {
                Ok(n) if n >= 1 => Ok(Cpus::First(n)),
                _ => bail!("cpus {text:?}: write \"auto\", \"all\" or a number of CPUs (at least 1)"),
            },
        }
    }

    /// How many CPUs to keep on `sqlite` or not; `None` keeps them all.
    fn count(self, sqlite: bool) -> Option<usize> {
        match self {
            Cpus::Auto if sqlite => Some(1),
            Cpus::Auto | Cpus::All => None,
            Cpus::First(n) => Some(n),
        }
    }
}

/// Restricts this process to the CPUs `cpus` asks for, before any thread is
/// started (threads inherit it). Returns the CPUs kept when it restricted,
/// `None` when every CPU given stays (or fewer were given than asked for).
pub fn apply(cpus: Cpus, sqlite: bool) -> Result<Option<Vec<usize>>> {
    let Some(count) = cpus.count(sqlite) else { return Ok(None) };
    let given = sched_getaffinity(Pid::from_raw(0))?;
    let allowed: Vec<usize> = (0..CpuSet::count()).filter(|&cpu| given.is_set(cpu).unwrap_or(false)).collect();
    if allowed.len() <= count {
        return Ok(None);
    }
    let mut kept = CpuSet::new();
    for &cpu in &allowed[..count] {
        kept.set(cpu)?;
    }
    sched_setaffinity(Pid::from_raw(0), &kept)?;
    Ok(Some(allowed[..count].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_setting_and_refuses_nonsense() -> Result<()> {
        assert_eq!(Cpus::parse("auto")?, Cpus::Auto);
        assert_eq!(Cpus::parse("all")?, Cpus::All);
        assert_eq!(Cpus::parse(" 2 ")?, Cpus::First(2));
        for bad in ["0", "-1", "two", "1.5"] {
            let err = Cpus::parse(bad).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains(bad) && err.contains("auto"), "{bad}: {err}");
        }
        Ok(())
    }

    #[test]
    fn one_cpu_on_sqlite_by_default_and_all_on_postgres() {
        assert_eq!(Cpus::Auto.count(true), Some(1));
        assert_eq!(Cpus::Auto.count(false), None);
        assert_eq!(Cpus::All.count(true), None);
        assert_eq!(Cpus::First(3).count(false), Some(3));
    }
}
