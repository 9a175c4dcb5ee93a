//! Which addresses a channel may reach. A robot's webhook or a mail server
//! typed in by an administrator must not turn the server into a proxy to
//! itself or to the cloud's metadata service (server-side request forgery):
//! loopback, link-local (169.254.0.0/16, fe80::/10, where the metadata
//! services of most clouds live), the unspecified address, multicast and
//! Alibaba Cloud's 100.100.100.200 are refused unless the configuration
//! allows their network. Private networks (10/8, 172.16/12, 192.168/16) stay
//! allowed: a 政务内网 mail server lives there.
//!
//! The host is resolved and every address checked just before each send, and
//! the send connects to the address that was checked (pinned), so a DNS answer
//! that changes between the check and the connection (DNS rebinding) changes
//! nothing. TLS still verifies the certificate against the host's name.

use crate::SendError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Networks allowed beyond the default, as (address, prefix length).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkPolicy {
    allowed: Vec<(IpAddr, u8)>,
}

impl NetworkPolicy {
    /// A policy allowing these networks (`127.0.0.0/8`, `::1/128`, or a bare
    /// address) besides the default.
    pub fn allowing(networks: &[String]) -> Result<NetworkPolicy, String> {
        let allowed = networks.iter().map(|n| parse_network(n)).collect::<Result<_, _>>()?;
        Ok(NetworkPolicy { allowed })
    }

    /// Whether a channel may connect to `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        !is_forbidden(ip) || self.allowed.iter().any(|(net, len)| contains(*net, *len, ip))
    }

    /// Resolves `host` and refuses when any of its addresses is not allowed;
    /// else the address to connect to (the first of the answer).
    pub async fn check_host(&self, host: &str, port: u16) -> Result<std::net::SocketAddr, SendError> {
        if host.is_empty() {
            return Err(SendError::Config("地址中没有主机名".into()));
        }
        let addresses: Vec<IpAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => tokio::net::lookup_host((host, port))
                .await
                .map_err(|e| SendError::Connect(format!("无法解析 {host}：{e}")))?
                .map(|a| a.ip())
                .collect(),
        };
        if let Some(ip) = addresses.iter().find(|ip| !self.allows(**ip)) {
            return Err(SendError::Config(format!(
                "{host} 指向本机、链路本地或云平台元数据地址（{ip}），不允许发送；如确需使用，请管理员在配置的 allowed_networks 中放行该网段"
            )));
        }
        let first = addresses.first().ok_or_else(|| SendError::Connect(format!("无法解析 {host}：没有地址")))?;
        Ok(std::net::SocketAddr::new(*first, port))
    }
}

/// Addresses no channel reaches unless allowed.
fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => forbidden_v4(v4),
            None => {
                v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (v6.segments()[0] & 0xffc0) == 0xfe80
                    || v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
            }
        },
    }
}

fn forbidden_v4(v4: Ipv4Addr) -> bool {
    v4.is_loopback()
        || v4.is_unspecified()
        || v4.is_link_local()
        || v4.is_multicast()
        || v4.is_broadcast()
        || v4 == Ipv4Addr::new(100, 100, 100, 200)
}

fn parse_network(text: &str) -> Result<(IpAddr, u8), String> {
    let bad = || format!("allowed_networks 中的“{text}”不是网段，应写作 127.0.0.0/8 或 ::1/128");
    let (address, len) = match text.trim().split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u8>().map_err(|_| bad())?)),
        None => (text.trim(), None),
    };
    let ip: IpAddr = address.parse().map_err(|_| bad())?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = len.unwrap_or(max);
    if len > max {
        return Err(bad());
    }
    Ok((ip, len))
}

fn contains(net: IpAddr, len: u8, ip: IpAddr) -> bool {
    let ip = match (net, ip) {
        (IpAddr::V4(_), IpAddr::V6(v6)) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        _ => ip,
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => prefix_eq(&n.octets(), &i.octets(), len),
        (IpAddr::V6(n), IpAddr::V6(i)) => prefix_eq(&n.octets(), &i.octets(), len),
        _ => false,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], len: u8) -> bool {
    let (whole, rest) = (usize::from(len / 8), len % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || (a[whole] ^ b[whole]) >> (8 - rest) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn loopback_link_local_and_metadata_are_refused_by_default_private_networks_are_not() {
        let strict = NetworkPolicy::default();
        for refused in
            ["127.0.0.1", "::1", "169.254.169.254", "100.100.100.200", "0.0.0.0", "fe80::1", "::ffff:127.0.0.1"]
        {
            assert!(!strict.allows(ip(refused)), "{refused}");
        }
        for allowed in ["10.1.2.3", "192.168.0.10", "172.16.5.5", "8.8.8.8", "2001:db8::1"] {
            assert!(strict.allows(ip(allowed)), "{allowed}");
        }
    }

    #[test]
    fn an_allowed_network_lets_its_addresses_through_and_no_others() {
        let policy = NetworkPolicy::allowing(&["127.0.0.0/8".into(), "::1".into()]).unwrap_or_default();
        assert!(policy.allows(ip("127.0.0.1")) && policy.allows(ip("127.9.9.9")) && policy.allows(ip("::1")));
        assert!(policy.allows(ip("::ffff:127.0.0.1")));
        assert!(!policy.allows(ip("169.254.169.254")));
        let narrow = NetworkPolicy::allowing(&["169.254.10.0/25".into()]).unwrap_or_default();
        assert!(narrow.allows(ip("169.254.10.127")) && !narrow.allows(ip("169.254.10.128")));
        assert!(NetworkPolicy::allowing(&["127.0.0.0/33".into()]).is_err());
        assert!(NetworkPolicy::allowing(&["localhost".into()]).is_err());
    }

    #[tokio::test]
    async fn a_host_is_checked_by_every_address_it_resolves_to() {
        let strict = NetworkPolicy::default();
        let refused = strict.check_host("localhost", 80).await;
        assert!(matches!(&refused, Err(SendError::Config(m)) if m.contains("不允许")), "{refused:?}");
        assert!(strict.check_host("127.0.0.1", 25).await.is_err());
        assert!(strict.check_host("10.0.0.5", 25).await.is_ok());
    }
}
