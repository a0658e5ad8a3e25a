using NetNsPS.Linux.Netlink;
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;

namespace NetNsPS.Linux.Firewall.Iptables;

/// <summary>
/// The module's iptables rules deleted in-process. On iptables-nft an iptables table is an nf_tables table (family ip
/// or ip6), and a rule's `-m comment` is an xt compat match that a rule dump returns with the rule's handle.
/// `iptables -D` itself finds its rule in such a dump and deletes it by handle; this does the same over the process's
/// netfilter socket (<see cref="NetfilterSocket"/>), every rule of a run in one transaction, so no iptables process
/// runs, and none waits at its exit for the RCU grace period a deletion leaves behind (about 15 ms each here). A rule
/// is found by its tag, which a module rule holds alone in its chain. Anything else (a command without a tag, a tag on
/// no rule or on two, a ruleset that keeps moving, a kernel refusal) is left to the program, which then says in its own
/// words what is wrong. A chain's dump is the cost that grows with the host (about 5 ms for 1,000 rules), so the
/// handles it gives are kept (<see cref="HandleCache"/>) and the next deletion in the chain asks the kernel for the one
/// rule by its handle instead, and takes it only when it still holds the tag.
/// </summary>
internal static class IptablesNetlink
{
    /// <summary>How many times a batch refused because the ruleset moved since its dump (ERESTART) is built again.</summary>
    public const int Attempts = 3;

    /// <summary>
    /// The tag of a command this can delete: `iptables -w -t TABLE -D CHAIN ... -m comment --comment netnsps:...`
    /// (a module rule, as the planner deletes it: in the words a read gave); null for any other command.
    /// </summary>
    public static string? DeletedTag(CommandSpec command)
    {
        var a = command.Arguments;
        if (a.Count < 8 || a[0] != "-w" || a[1] != "-t" || a[3] != "-D")
        {
            return null;
        }
        for (var i = 7; i < a.Count; i++)
        {
            if (a[i - 1] == "--comment" && a[i - 2] == "comment" && a[i - 3] == "-m")
            {
                return a[i].StartsWith(RuleTag.Prefix + ":", StringComparison.Ordinal) ? a[i] : null;
            }
        }
        return null;
    }

    /// <summary>Whether a run of one tool's commands is deleted in-process: all of them tagged deletions, on iptables-nft with netlink in process.</summary>
    public static bool Deletes(IReadOnlyList<CommandSpec> commands) =>
        commands.Count > 0 && commands.All(c => DeletedTag(c) is not null) && IptablesCache.Tracked;

    /// <summary>The in-process form of a run of deletions (<see cref="CommandSpec.Native"/>); where it cannot be exact, the program runs instead.</summary>
    public static Action<NetlinkSession> Delete(IReadOnlyList<CommandSpec> commands) => _ =>
    {
        if (!Deletes(commands))
        {
            throw new SpawnInsteadException("not iptables-nft with netlink in process");
        }
        try
        {
            // The process's handles go with the process's socket: both are used under its lock.
            NetfilterSocket.Use(socket => DeleteRules(socket, commands, Handles));
        }
        catch (NetlinkException e)
        {
            throw new SpawnInsteadException(e.Message);
        }
    };

    /// <summary>The handles of the process's socket (<see cref="Delete"/>).</summary>
    private static readonly HandleCache Handles = new();

    /// <summary>
    /// Finds each command's rule by its tag, through a handle kept from an earlier dump that a get shows still holds
    /// the tag, or else in a dump of its chain, and deletes them all in one batch built at the generation read before
    /// the gets and dumps: if anything changed the ruleset meanwhile, the kernel refuses it and it is built again.
    /// Returns the number of rules deleted.
    /// </summary>
    internal static int DeleteRules(NetlinkSocket socket, IReadOnlyList<CommandSpec> commands, HandleCache handles)
    {
        var family = commands[0].Program == IptablesDriver.Tool(ipv6: true) ? Uapi.NFPROTO_IPV6 : Uapi.NFPROTO_IPV4;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var generation = NftGeneration.Read(socket);
            var dumped = new Dictionary<(string Table, string Chain), List<(ulong Handle, string? Comment)>>();
            var chosen = new List<(string Table, string Chain, string Tag, ulong Handle)>();
            foreach (var command in commands)
            {
                var (table, chain, tag) = (command.Arguments[2], command.Arguments[4], DeletedTag(command)!);
                if (!dumped.ContainsKey((table, chain)) && handles.Find(family, table, chain, tag) is { } known
                    && !chosen.Any(c => c.Table == table && c.Handle == known) && CommentOf(socket, family, table, chain, known) == tag)
                {
                    chosen.Add((table, chain, tag, known));
                    continue;
                }
                if (!dumped.TryGetValue((table, chain), out var rules))
                {
                    dumped[(table, chain)] = rules = Rules(socket, family, table, chain);
                    handles.Fill(family, table, chain, rules);
                }
                var found = rules.Where(r => r.Comment == tag).ToList();
                if (found.Count != 1 || chosen.Any(c => c.Table == table && c.Handle == found[0].Handle))
                {
                    throw new SpawnInsteadException($"{found.Count} rules of {table} {chain} hold {tag}");
                }
                chosen.Add((table, chain, tag, found[0].Handle));
            }
            var deletes = chosen.Select(c => DeleteRequest(family, c.Table, c.Chain, c.Handle)).ToList();
            try
            {
                socket.Batch(BatchMessage(Uapi.NFNL_MSG_BATCH_BEGIN, generation), deletes, BatchMessage(Uapi.NFNL_MSG_BATCH_END, null));
                foreach (var c in chosen)
                {
                    handles.Forget(family, c.Table, c.Chain, c.Tag);
                }
                return deletes.Count;
            }
            catch (NetlinkException e) when (e.Errno == Uapi.ERESTART)
            {
                // The ruleset moved between the generation read and the batch: found and built again.
            }
        }
        throw new SpawnInsteadException($"the ruleset changed during {Attempts} attempts");
    }

    /// <summary>The rules of one chain with their handles and comments: one NFT_MSG_GETRULE dump, filtered by the kernel to that chain.</summary>
    internal static List<(ulong Handle, string? Comment)> Rules(NetlinkSocket socket, byte family, string table, string chain)
    {
        var request = new NetlinkMessage(NftGeneration.MessageType(Uapi.NFT_MSG_GETRULE), Uapi.NLM_F_REQUEST | Uapi.NLM_F_DUMP, NetlinkMessage.NetfilterHeader(family))
            .String(Uapi.NFTA_RULE_TABLE, table)
            .String(Uapi.NFTA_RULE_CHAIN, chain);
        var rules = new List<(ulong, string?)>();
        foreach (var (type, payload) in socket.Query(request))
        {
            if (type == NftGeneration.MessageType(Uapi.NFT_MSG_NEWRULE) && ParseRule(payload) is { } rule && rule.Table == table && rule.Chain == chain)
            {
                rules.Add((rule.Handle, rule.Comment));
            }
        }
        return rules;
    }

    /// <summary>The comment of the rule with that handle (one NFT_MSG_GETRULE, not a dump); null when it is gone or has none.</summary>
    internal static string? CommentOf(NetlinkSocket socket, byte family, string table, string chain, ulong handle)
    {
        var request = RuleRequest(Uapi.NFT_MSG_GETRULE, Uapi.NLM_F_REQUEST, family, table, chain, handle);
        try
        {
            foreach (var (type, payload) in socket.Query(request))
            {
                if (type == NftGeneration.MessageType(Uapi.NFT_MSG_NEWRULE) && ParseRule(payload) is { } rule
                    && rule.Table == table && rule.Chain == chain && rule.Handle == handle)
                {
                    return rule.Comment;
                }
            }
        }
        catch (NetlinkException e) when (e.Errno == Uapi.ENOENT)
        {
            // Deleted since (or its chain or table): the chain is dumped again.
        }
        return null;
    }

    /// <summary>A rule of a dump: its table, chain, handle and comment (the xt comment match's, or the user data's); null when it has no handle.</summary>
    internal static (string? Table, string? Chain, ulong Handle, string? Comment)? ParseRule(byte[] payload)
    {
        if (payload.Length < Uapi.SIZEOF_NFGENMSG)
        {
            return null;
        }
        var attributes = new NetlinkAttributes(payload.AsSpan(Uapi.SIZEOF_NFGENMSG));
        var handle = attributes.Get(Uapi.NFTA_RULE_HANDLE, out var hasHandle);
        if (!hasHandle || handle.Length != 8)
        {
            return null;
        }
        string? comment = null;
        foreach (var expression in new NetlinkAttributes(attributes.Get(Uapi.NFTA_RULE_EXPRESSIONS, out _)).All(Uapi.NFTA_LIST_ELEM))
        {
            var e = new NetlinkAttributes(expression);
            if (e.String(Uapi.NFTA_EXPR_NAME) == "match")
            {
                var match = e.Nested(Uapi.NFTA_EXPR_DATA);
                if (match.String(Uapi.NFTA_MATCH_NAME) == "comment")
                {
                    comment = match.String(Uapi.NFTA_MATCH_INFO);
                }
            }
        }
        comment ??= UserDataComment(attributes.Get(Uapi.NFTA_RULE_USERDATA, out _));
        return (attributes.String(Uapi.NFTA_RULE_TABLE), attributes.String(Uapi.NFTA_RULE_CHAIN), BinaryPrimitives.ReadUInt64BigEndian(handle), comment);
    }

    /// <summary>A comment kept in a rule's user data (libnftnl's TLVs: one byte of type, one of length), as nft writes it.</summary>
    private static string? UserDataComment(ReadOnlySpan<byte> data)
    {
        var offset = 0;
        while (offset + 2 <= data.Length)
        {
            var (type, length) = (data[offset], data[offset + 1]);
            if (offset + 2 + length > data.Length)
            {
                break;
            }
            if (type == Uapi.NFTNL_UDATA_RULE_COMMENT)
            {
                return NetlinkAttributes.CString(data.Slice(offset + 2, length));
            }
            offset += 2 + length;
        }
        return null;
    }

    /// <summary>NFT_MSG_DELRULE of one rule by its handle, acknowledged.</summary>
    internal static NetlinkMessage DeleteRequest(byte family, string table, string chain, ulong handle) =>
        RuleRequest(Uapi.NFT_MSG_DELRULE, Uapi.NLM_F_REQUEST | Uapi.NLM_F_ACK, family, table, chain, handle);

    /// <summary>A request about one rule, named by table, chain and handle.</summary>
    private static NetlinkMessage RuleRequest(int message, ushort flags, byte family, string table, string chain, ulong handle) =>
        new NetlinkMessage(NftGeneration.MessageType(message), flags, NetlinkMessage.NetfilterHeader(family))
            .String(Uapi.NFTA_RULE_TABLE, table)
            .String(Uapi.NFTA_RULE_CHAIN, chain)
            .U64BigEndian(Uapi.NFTA_RULE_HANDLE, handle);

    /// <summary>A batch's begin (with the generation it is built at) or end: res_id names the nf_tables subsystem.</summary>
    internal static NetlinkMessage BatchMessage(int type, uint? generation)
    {
        var message = new NetlinkMessage((ushort)type, Uapi.NLM_F_REQUEST, NetlinkMessage.NetfilterHeader(Uapi.AF_UNSPEC, Uapi.NFNL_SUBSYS_NFTABLES));
        return generation is { } g ? message.U32BigEndian(Uapi.NFNL_BATCH_GENID, g) : message;
    }
}

/// <summary>
/// The handles of the module's rules by tag, per family, table and chain, as the last dump of the chain gave them (a
/// tag held by one rule only). Only a hint: a handle is used once a get shows its rule still holds the tag, and nf_tables
/// never gives a table's handle to another rule while the table lives.
/// </summary>
internal sealed class HandleCache
{
    private readonly Dictionary<(byte Family, string Table, string Chain), Dictionary<string, ulong>> _chains = new();

    public ulong? Find(byte family, string table, string chain, string tag) =>
        _chains.TryGetValue((family, table, chain), out var tags) && tags.TryGetValue(tag, out var handle) ? handle : null;

    /// <summary>What a dump of the chain gave: it replaces what was known of the chain.</summary>
    public void Fill(byte family, string table, string chain, IEnumerable<(ulong Handle, string? Comment)> rules)
    {
        var tags = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var group in rules.Where(r => r.Comment is not null).GroupBy(r => r.Comment!, StringComparer.Ordinal))
        {
            if (group.Count() == 1)
            {
                tags[group.Key] = group.First().Handle;
            }
        }
        _chains[(family, table, chain)] = tags;
    }

    public void Forget(byte family, string table, string chain, string tag)
    {
        if (_chains.TryGetValue((family, table, chain), out var tags))
        {
            tags.Remove(tag);
        }
    }
}
