using System.Linq;

namespace NetNsPS.Linux.Firewall.Nftables;

/// <summary>
/// The module's table as last known, under the ruleset generation it was known at (<see cref="Netlink.NftGeneration"/>): a
/// read whose generation is the same takes a copy instead of listing and parsing the whole table, so a call costs the
/// same with 1,000 mappings as with 10. Filled by a whole read, and by a plan once it has been applied, when the
/// generation shows that only this process's own transactions came in between (the plan's snapshot is then what the
/// kernel holds). Only snapshots that say everything the driver needs are kept: nothing of the diagnostics, every
/// rule's handle known. An iptables side (a Docker host's tables, the FORWARD shim) is kept with it: it is read only
/// where no legacy x_tables table is loaded, so it is iptables-nft's, whose changes move the same generation.
/// </summary>
internal static class NftablesCache
{
    private static readonly object Gate = new();
    private static (uint Generation, NftablesSnapshot Snapshot)? _entry;

    /// <summary>A copy of the table as known at this generation, to plan on; null when it is not known.</summary>
    public static NftablesSnapshot? Take(uint generation)
    {
        lock (Gate)
        {
            return _entry is { } e && e.Generation == generation ? e.Snapshot.Clone() : null;
        }
    }

    /// <summary>Keeps a copy of the snapshot as the table at this generation, when it can stand for a read.</summary>
    public static void Remember(uint generation, NftablesSnapshot snapshot)
    {
        if (!Cacheable(snapshot))
        {
            return;
        }
        var copy = snapshot.Clone(asRead: true);
        lock (Gate)
        {
            _entry = (generation, copy);
        }
    }

    public static void Clear()
    {
        lock (Gate)
        {
            _entry = null;
        }
    }

    /// <summary>Whether a snapshot can stand for a read: nothing of the diagnostics in it, and every rule's handle known.</summary>
    internal static bool Cacheable(NftablesSnapshot snapshot) =>
        snapshot.Host is null && snapshot.OwnChains.All(c => c.Rules.All(r => r.Handle is not null));
}
