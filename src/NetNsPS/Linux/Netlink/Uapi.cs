namespace NetNsPS.Linux.Netlink;

/// <summary>
/// Every kernel constant the netlink layer uses, named exactly as in the kernel's uapi headers (the header is
/// given above each group), so a value can be checked against the source with grep. Linux values shared by
/// x86-64 and arm64. The <c>SIZEOF_*</c> entries are the sizes of the uapi structs, which have no macro of their own.
/// </summary>
internal static class Uapi
{
    // <linux/socket.h>, <bits/socket.h>
    public const int AF_UNSPEC = 0;
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int AF_NETLINK = 16;
    public const int SOL_NETLINK = 270;

    // <linux/netlink.h>: protocols and socket options
    public const int NETLINK_ROUTE = 0;
    public const int NETLINK_NETFILTER = 12;
    public const int NETLINK_EXT_ACK = 11;
    public const int NETLINK_GET_STRICT_CHK = 12;

    // <linux/netlink.h>: message types
    public const int NLMSG_NOOP = 0x1;
    public const int NLMSG_ERROR = 0x2;
    public const int NLMSG_DONE = 0x3;
    public const int NLMSG_OVERRUN = 0x4;

    // <linux/netlink.h>: flags of every request
    public const int NLM_F_REQUEST = 0x01;
    public const int NLM_F_MULTI = 0x02;
    public const int NLM_F_ACK = 0x04;
    public const int NLM_F_ECHO = 0x08;
    public const int NLM_F_DUMP_INTR = 0x10;
    public const int NLM_F_DUMP_FILTERED = 0x20;

    // <linux/netlink.h>: flags of GET requests
    public const int NLM_F_ROOT = 0x100;
    public const int NLM_F_MATCH = 0x200;
    public const int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;

    // <linux/netlink.h>: flags of NEW requests
    public const int NLM_F_REPLACE = 0x100;
    public const int NLM_F_EXCL = 0x200;
    public const int NLM_F_CREATE = 0x400;
    public const int NLM_F_APPEND = 0x800;

    // <linux/netlink.h>: flags of an NLMSG_ERROR acknowledgement
    public const int NLM_F_CAPPED = 0x100;
    public const int NLM_F_ACK_TLVS = 0x200;

    // <linux/netlink.h>: lengths and attribute header bits
    public const int NLMSG_ALIGNTO = 4;
    public const int NLMSG_HDRLEN = 16;
    public const int NLA_ALIGNTO = 4;
    public const int NLA_HDRLEN = 4;
    public const int NLA_F_NESTED = 1 << 15;
    public const int NLA_F_NET_BYTEORDER = 1 << 14;
    public const int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

    // <linux/netlink.h>: enum nlmsgerr_attrs
    public const int NLMSGERR_ATTR_MSG = 1;

    // <linux/rtnetlink.h>: message types
    public const int RTM_NEWLINK = 16;
    public const int RTM_DELLINK = 17;
    public const int RTM_GETLINK = 18;
    public const int RTM_NEWADDR = 20;
    public const int RTM_DELADDR = 21;
    public const int RTM_GETADDR = 22;
    public const int RTM_NEWROUTE = 24;
    public const int RTM_DELROUTE = 25;
    public const int RTM_GETROUTE = 26;

    // <linux/if_link.h>: link attributes
    public const int IFLA_ADDRESS = 1;
    public const int IFLA_IFNAME = 3;
    public const int IFLA_MTU = 4;
    public const int IFLA_LINK = 5;
    public const int IFLA_MASTER = 10;
    public const int IFLA_OPERSTATE = 16;
    public const int IFLA_LINKINFO = 18;
    public const int IFLA_NET_NS_PID = 19;
    public const int IFLA_IFALIAS = 20;
    public const int IFLA_NET_NS_FD = 28;
    public const int IFLA_LINK_NETNSID = 37;

    // <linux/if_link.h>: nested in IFLA_LINKINFO
    public const int IFLA_INFO_KIND = 1;
    public const int IFLA_INFO_DATA = 2;
    public const int IFLA_INFO_SLAVE_KIND = 4;
    public const int IFLA_INFO_SLAVE_DATA = 5;

    // <linux/if_link.h>: a bridge port's IFLA_INFO_SLAVE_DATA; <linux/veth.h>: a veth's IFLA_INFO_DATA
    public const int IFLA_BRPORT_MODE = 4;
    public const int VETH_INFO_PEER = 1;

    // <linux/if.h>: net_device_flags
    public const int IFF_UP = 0x1;
    public const int IFF_BROADCAST = 0x2;
    public const int IFF_LOOPBACK = 0x8;
    public const int IFF_MULTICAST = 0x1000;
    public const int IFF_LOWER_UP = 0x10000;

    // <linux/if.h>: IFNAMSIZ counts the terminating NUL
    public const int IFNAMSIZ = 16;

    // <linux/if_addr.h>: address attributes
    public const int IFA_ADDRESS = 1;
    public const int IFA_LOCAL = 2;
    public const int IFA_FLAGS = 8;
    public const uint IFA_F_NODAD = 0x02;
    public const uint IFA_F_DADFAILED = 0x08;
    public const uint IFA_F_TENTATIVE = 0x40;

    // <linux/rtnetlink.h>: enum rtattr_type_t
    public const int RTA_DST = 1;
    public const int RTA_OIF = 4;
    public const int RTA_GATEWAY = 5;
    public const int RTA_PREFSRC = 7;
    public const int RTA_TABLE = 15;

    // <linux/rtnetlink.h>: rtm_protocol
    public const int RTPROT_UNSPEC = 0;
    public const int RTPROT_KERNEL = 2;
    public const int RTPROT_BOOT = 3;
    public const int RTPROT_STATIC = 4;
    public const int RTPROT_RA = 9;
    public const int RTPROT_DHCP = 16;

    // <linux/rtnetlink.h>: enum rt_scope_t
    public const int RT_SCOPE_UNIVERSE = 0;
    public const int RT_SCOPE_SITE = 200;
    public const int RT_SCOPE_LINK = 253;
    public const int RT_SCOPE_HOST = 254;
    public const int RT_SCOPE_NOWHERE = 255;

    // <linux/rtnetlink.h>: rtm_type
    public const int RTN_UNSPEC = 0;
    public const int RTN_UNICAST = 1;
    public const int RTN_LOCAL = 2;
    public const int RTN_BROADCAST = 3;
    public const int RTN_ANYCAST = 4;
    public const int RTN_MULTICAST = 5;
    public const int RTN_BLACKHOLE = 6;
    public const int RTN_UNREACHABLE = 7;
    public const int RTN_PROHIBIT = 8;
    public const int RTN_THROW = 9;

    // <linux/rtnetlink.h>: enum rt_class_t
    public const int RT_TABLE_MAIN = 254;

    // <asm-generic/errno-base.h>
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int EROFS = 30;

    // <linux/netfilter/nfnetlink.h>: the nf_tables subsystem, and the version of struct nfgenmsg
    public const int NFNL_SUBSYS_NFTABLES = 10;
    public const int NFNETLINK_V0 = 0;

    // <linux/netfilter/nfnetlink.h>, <linux/netfilter/nfnetlink_conntrack.h>: the conntrack subsystem, its messages
    // and the attributes of an entry's original tuple.
    public const int NFNL_SUBSYS_CTNETLINK = 1;
    public const int IPCTNL_MSG_CT_NEW = 0;
    public const int IPCTNL_MSG_CT_GET = 1;
    public const int IPCTNL_MSG_CT_DELETE = 2;
    public const ushort CTA_TUPLE_ORIG = 1;
    public const ushort CTA_ZONE = 18;
    public const ushort CTA_TUPLE_IP = 1;
    public const ushort CTA_TUPLE_PROTO = 2;
    public const ushort CTA_IP_V4_SRC = 1;
    public const ushort CTA_IP_V4_DST = 2;
    public const ushort CTA_IP_V6_SRC = 3;
    public const ushort CTA_IP_V6_DST = 4;
    public const ushort CTA_PROTO_NUM = 1;
    public const ushort CTA_PROTO_SRC_PORT = 2;
    public const ushort CTA_PROTO_DST_PORT = 3;
    public const byte IPPROTO_TCP = 6;
    public const byte IPPROTO_UDP = 17;
    public const int ENOENT = 2;

    // <linux/netfilter/nf_tables.h>: the ruleset generation (bumped by every committed transaction)
    public const int NFT_MSG_NEWGEN = 15;
    public const int NFT_MSG_GETGEN = 16;
    public const int NFTA_GEN_ID = 1;

    // <linux/netfilter/nfnetlink.h>: a batch of nf_tables messages is one transaction, committed at its end; its begin
    // may carry the generation it was built at, and the kernel then refuses it (ERESTART) when the ruleset moved on.
    public const int NFNL_MSG_BATCH_BEGIN = 16;
    public const int NFNL_MSG_BATCH_END = 17;
    public const ushort NFNL_BATCH_GENID = 1;
    public const int ERESTART = 85;

    // <linux/netfilter.h>: nfgenmsg families of nf_tables tables (iptables-nft's are ip and ip6)
    public const byte NFPROTO_IPV4 = 2;
    public const byte NFPROTO_IPV6 = 10;

    // <linux/netfilter/nf_tables.h>: rules, their expressions, and the xt compat match that carries an iptables
    // `-m comment` (struct xt_comment_info: char comment[256])
    public const int NFT_MSG_NEWRULE = 6;
    public const int NFT_MSG_GETRULE = 7;
    public const int NFT_MSG_DELRULE = 8;
    public const ushort NFTA_RULE_TABLE = 1;
    public const ushort NFTA_RULE_CHAIN = 2;
    public const ushort NFTA_RULE_HANDLE = 3;
    public const ushort NFTA_RULE_EXPRESSIONS = 4;
    public const ushort NFTA_RULE_USERDATA = 7;
    public const ushort NFTA_LIST_ELEM = 1;
    public const ushort NFTA_EXPR_NAME = 1;
    public const ushort NFTA_EXPR_DATA = 2;
    public const ushort NFTA_MATCH_NAME = 1;
    public const ushort NFTA_MATCH_INFO = 3;

    // <libnftnl/udata.h>: a rule's comment in its user data (a TLV of one-byte type and length)
    public const byte NFTNL_UDATA_RULE_COMMENT = 0;

    // <asm-generic/fcntl.h>
    public const int O_WRONLY = 0x1;
    public const int O_CLOEXEC = 0x80000;

    // <unistd.h> (libc, not uapi): access(2) mode that only checks the path resolves
    public const int F_OK = 0;

    // <linux/mount.h>
    public const int MS_BIND = 4096;
    public const int MS_REC = 16384;
    public const int MS_SHARED = 1 << 20;

    // <linux/fs.h> (umount2 flags)
    public const int MNT_DETACH = 2;

    // <linux/magic.h>: statfs(2) f_type of a namespace file (what `ip netns add` bind-mounts)
    public const int NSFS_MAGIC = 0x6e736673;

    // sizeof(struct nlmsghdr), sizeof(struct sockaddr_nl), sizeof(struct ifinfomsg), sizeof(struct ifaddrmsg), sizeof(struct rtmsg)
    public const int SIZEOF_NLMSGHDR = NLMSG_HDRLEN;
    public const int SIZEOF_SOCKADDR_NL = 12;
    public const int SIZEOF_IFINFOMSG = 16;
    public const int SIZEOF_IFADDRMSG = 8;
    public const int SIZEOF_RTMSG = 12;
    public const int SIZEOF_NFGENMSG = 4;

    /// <summary>The length of an IPv4 or an IPv6 address, by family; 0 for any other family.</summary>
    public static int AddressLength(int family) => family switch { AF_INET => 4, AF_INET6 => 16, _ => 0 };
}
