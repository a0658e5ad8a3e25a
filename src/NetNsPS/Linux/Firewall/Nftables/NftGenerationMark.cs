namespace NetNsPS.Linux.Firewall.Nftables;

/// <summary>
/// The ruleset generation (<see cref="Netlink.NftGeneration"/>) at one moment, with the number of transactions libnftables had committed for this process
/// and for the calling thread by then. Between two marks, the ruleset changed only by the calling thread's own
/// transactions when the generation moved by exactly as many as the process committed, and all of those were the
/// thread's (another runspace of the same process commits through the same library).
/// Transactions the thread made otherwise (iptables-nft processes it ran) are given as <c>others</c>.
/// </summary>
internal readonly record struct NftGenerationMark(uint Generation, long Commits, long ThreadCommits)
{
    public bool OnlyOwnSince(NftGenerationMark earlier, int others = 0) =>
        Commits - earlier.Commits == ThreadCommits - earlier.ThreadCommits
        && Generation == unchecked(earlier.Generation + (uint)(Commits - earlier.Commits) + (uint)others);
}
