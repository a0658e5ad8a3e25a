using NetNsPS.Linux.Netlink;

namespace NetNsPS.Linux.Firewall.Iptables;

/// <summary>
/// The module's iptables state as last known, under the nf_tables generation it was known at: where iptables and
/// ip6tables are iptables-nft, their tables are nf_tables tables, and every iptables or iptables-restore process that
/// changes something moves the generation by exactly one (a save, a listing or a failed restore by none). A read at an
/// unchanged generation then takes a copy instead of running iptables-save and ip6tables-save over every rule of the
/// host, so a call costs the same with 1,000 port mappings as with 10. Filled by a whole read, and by a plan once it
/// has been applied, when the generation moved by exactly the plan's own transactions. Legacy x_tables have no
/// generation: there every read is a whole one.
/// </summary>
internal static class IptablesCache
{
    private static readonly object Gate = new();
    private static (uint Generation, IptablesSnapshot Snapshot)? _entry;

    /// <summary>
    /// Whether the generation says everything about the tables iptables-save and ip6tables-save read: netlink in
    /// process, and both tools xtables-nft (asked each time: a fixture or an update-alternatives may repoint them).
    /// </summary>
    public static bool Tracked =>
        NetlinkSession.Enabled && IptablesDriver.ActiveBackendFromPath("iptables") == "nf_tables"
        && (!FirewallDrivers.OnPath("ip6tables-save") || IptablesDriver.ActiveBackendFromPath("ip6tables") == "nf_tables");

    /// <summary>The generation now where it is <see cref="Tracked"/>; null otherwise.</summary>
    public static uint? Generation()
    {
        if (!Tracked)
        {
            return null;
        }
        try
        {
            return NetfilterSocket.Use(NftGeneration.Read);
        }
        catch (NetlinkException)
        {
            // No nf_tables here yet (iptables-nft loads it on first use), or no NETLINK_NETFILTER: a whole read.
            return null;
        }
    }

    /// <summary>A copy of the state as known at this generation, to plan on; null when it is not known.</summary>
    public static IptablesSnapshot? Take(uint generation)
    {
        lock (Gate)
        {
            return _entry is { } e && e.Generation == generation ? e.Snapshot.Clone() : null;
        }
    }

    /// <summary>Keeps a copy of the snapshot as the state at this generation.</summary>
    public static void Remember(uint generation, IptablesSnapshot snapshot)
    {
        var copy = snapshot.Clone();
        lock (Gate)
        {
            _entry = (generation, copy);
        }
    }
}
