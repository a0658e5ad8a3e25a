using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Linux.Netlink;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// The module's iptables rules deleted in-process (IptablesNetlink) over a scripted netfilter socket: which commands
/// qualify, a rule dump's handles and comments, the one batch at the generation read before the dumps, its retry when
/// the ruleset moved (ERESTART), and every case that leaves the command to the program.
/// </summary>
public class IptablesNetlinkTests
{
    private const string Tag = "netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat";

    private static CommandSpec Delete(string chain, string tag, FirewallTable table = FirewallTable.Nat) =>
        IptablesDriver.Iptables(table, "-D", chain, "-p", "tcp", "-m", "tcp", "--dport", "8080", "-m", "comment", "--comment", tag, "-j", "DNAT", "--to-destination", "192.168.15.2:80");

    [Fact]
    public void Only_the_deletion_of_a_tagged_module_rule_qualifies()
    {
        Assert.Equal(Tag, IptablesNetlink.DeletedTag(Delete("NETNSPS-PREROUTING", Tag)));
        Assert.Null(IptablesNetlink.DeletedTag(Delete("NETNSPS-PREROUTING", "someone else's")));
        Assert.Null(IptablesNetlink.DeletedTag(IptablesDriver.Iptables(FirewallTable.Nat, "-A", "NETNSPS-PREROUTING", "-m", "comment", "--comment", Tag, "-j", "RETURN")));
        // A jump has no tag: the program deletes it.
        Assert.Null(IptablesNetlink.DeletedTag(IptablesDriver.Iptables(FirewallTable.Nat, "-D", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "NETNSPS-PREROUTING")));
        Assert.NotNull(Delete("NETNSPS-PREROUTING", Tag).Native);
        Assert.Null(IptablesDriver.Iptables(FirewallTable.Nat, "-X", "NETNSPS-PREROUTING").Native);
    }

    [Fact]
    public void A_restore_of_tagged_deletions_alone_has_the_in_process_form()
    {
        var deletes = new[] { Delete("NETNSPS-PREROUTING", Tag), Delete("NETNSPS-FORWARD", Tag + "x", FirewallTable.Filter) };
        Assert.NotNull(IptablesBatch.Restore(deletes).Native);
        Assert.Null(IptablesBatch.Restore(deletes.Append(IptablesDriver.Iptables(FirewallTable.Nat, "-X", "NETNSPS-PREROUTING")).ToList()).Native);
    }

    [Fact]
    public void A_dumped_rule_gives_its_handle_and_the_comment_of_its_xt_comment_match()
    {
        var rule = ParseRule(Rule("nat", "NETNSPS-PREROUTING", 42, Tag));
        Assert.Equal(("nat", "NETNSPS-PREROUTING", 42ul, Tag), (rule.Table, rule.Chain, rule.Handle, rule.Comment));
        Assert.Null(ParseRule(Rule("nat", "NETNSPS-PREROUTING", 43, null)).Comment);
        // nft keeps a comment in the rule's user data instead.
        Assert.Equal("from nft", ParseRule(Rule("nat", "X", 44, null, userDataComment: "from nft")).Comment);
    }

    [Fact]
    public void The_rules_go_in_one_batch_built_at_the_generation_read_before_the_dumps()
    {
        var transport = Kernel(generation: 7, rules: new[] { ("nat", "NETNSPS-PREROUTING", 5ul, (string?)"other"), ("nat", "NETNSPS-PREROUTING", 6ul, Tag), ("filter", "NETNSPS-FORWARD", 9ul, Tag) });
        using var socket = new NetlinkSocket(transport);
        var deleted = IptablesNetlink.DeleteRules(socket, new[] { Delete("NETNSPS-PREROUTING", Tag), Delete("NETNSPS-FORWARD", Tag, FirewallTable.Filter) }, new HandleCache());
        Assert.Equal(2, deleted);
        // GETGEN, a dump per chain, the batch.
        Assert.Equal(4, transport.Sent.Count);
        var batch = Split(transport.Sent[3]);
        Assert.Equal(new[] { (ushort)Uapi.NFNL_MSG_BATCH_BEGIN, Type(Uapi.NFT_MSG_DELRULE), Type(Uapi.NFT_MSG_DELRULE), (ushort)Uapi.NFNL_MSG_BATCH_END }, batch.Select(m => m.Type));
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32BigEndian(Attributes(batch[0].Payload).Get(Uapi.NFNL_BATCH_GENID, out _)));
        Assert.Equal(new[] { 6ul, 9ul }, batch.Skip(1).Take(2).Select(m => BinaryPrimitives.ReadUInt64BigEndian(Attributes(m.Payload).Get(Uapi.NFTA_RULE_HANDLE, out _))));
        Assert.Equal(new[] { "nat", "filter" }, batch.Skip(1).Take(2).Select(m => Attributes(m.Payload).String(Uapi.NFTA_RULE_TABLE)));
        Assert.All(batch.Skip(1).Take(2), m => Assert.Equal(Uapi.NLM_F_ACK, m.Flags & Uapi.NLM_F_ACK));
    }

    [Fact]
    public void A_batch_refused_because_the_ruleset_moved_is_built_again_from_a_new_dump()
    {
        var transport = Kernel(generation: 7, rules: new[] { ("nat", "NETNSPS-PREROUTING", 6ul, (string?)Tag) }, restarts: 1);
        using var socket = new NetlinkSocket(transport);
        Assert.Equal(1, IptablesNetlink.DeleteRules(socket, new[] { Delete("NETNSPS-PREROUTING", Tag) }, new HandleCache()));
        // GETGEN, dump, batch (refused); GETGEN, a get of the handle the dump gave, batch.
        Assert.Equal(6, transport.Sent.Count);
    }

    [Fact]
    public void The_next_deletion_in_a_dumped_chain_gets_its_rule_by_the_handle_kept_and_dumps_nothing()
    {
        var rules = new List<(string, string, ulong, string?)> { ("nat", "NETNSPS-PREROUTING", 6ul, Tag), ("nat", "NETNSPS-PREROUTING", 7ul, Tag + "2") };
        var transport = Kernel(generation: 7, rules: rules);
        using var socket = new NetlinkSocket(transport);
        var handles = new HandleCache();
        IptablesNetlink.DeleteRules(socket, new[] { Delete("NETNSPS-PREROUTING", Tag) }, handles);
        rules.RemoveAt(0);
        transport.Sent.Clear();
        Assert.Equal(1, IptablesNetlink.DeleteRules(socket, new[] { Delete("NETNSPS-PREROUTING", Tag + "2") }, handles));
        Assert.Equal(new[] { Type(Uapi.NFT_MSG_GETGEN), Type(Uapi.NFT_MSG_GETRULE), (ushort)Uapi.NFNL_MSG_BATCH_BEGIN }, transport.Sent.Select(ScriptedTransport.Type));
        Assert.Equal(0, ScriptedTransport.Flags(transport.Sent[1]) & Uapi.NLM_F_DUMP);
        Assert.Equal(7ul, BinaryPrimitives.ReadUInt64BigEndian(Attributes(Split(transport.Sent[2])[1].Payload).Get(Uapi.NFTA_RULE_HANDLE, out _)));
        // Deleted, it is forgotten.
        Assert.Null(handles.Find(Uapi.NFPROTO_IPV4, "nat", "NETNSPS-PREROUTING", Tag + "2"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_kept_handle_whose_rule_is_gone_or_holds_another_tag_is_dumped_again(bool reused)
    {
        var rules = new List<(string, string, ulong, string?)> { ("nat", "NETNSPS-PREROUTING", 7ul, Tag) };
        var transport = Kernel(generation: 7, rules: rules);
        using var socket = new NetlinkSocket(transport);
        var handles = new HandleCache();
        handles.Fill(Uapi.NFPROTO_IPV4, "nat", "NETNSPS-PREROUTING", new[] { (6ul, (string?)Tag) });
        if (reused)
        {
            // (nf_tables does not reuse a live table's handles; a table made again starts over.)
            rules.Add(("nat", "NETNSPS-PREROUTING", 6ul, "netnsps:other"));
        }
        Assert.Equal(1, IptablesNetlink.DeleteRules(socket, new[] { Delete("NETNSPS-PREROUTING", Tag) }, handles));
        Assert.Equal(new[] { Type(Uapi.NFT_MSG_GETGEN), Type(Uapi.NFT_MSG_GETRULE), Type(Uapi.NFT_MSG_GETRULE), (ushort)Uapi.NFNL_MSG_BATCH_BEGIN }, transport.Sent.Select(ScriptedTransport.Type));
        Assert.Equal(Uapi.NLM_F_DUMP, ScriptedTransport.Flags(transport.Sent[2]) & Uapi.NLM_F_DUMP);
        Assert.Equal(7ul, BinaryPrimitives.ReadUInt64BigEndian(Attributes(Split(transport.Sent[3])[1].Payload).Get(Uapi.NFTA_RULE_HANDLE, out _)));
    }

    [Fact]
    public void A_ruleset_that_keeps_moving_leaves_it_to_the_program()
    {
        var transport = Kernel(generation: 7, rules: new[] { ("nat", "NETNSPS-PREROUTING", 6ul, (string?)Tag) }, restarts: IptablesNetlink.Attempts);
        using var socket = new NetlinkSocket(transport);
        Assert.Throws<SpawnInsteadException>(() => IptablesNetlink.DeleteRules(socket, new[] { Delete("NETNSPS-PREROUTING", Tag) }, new HandleCache()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void A_tag_on_no_rule_or_on_two_leaves_it_to_the_program(int holders)
    {
        var rules = Enumerable.Range(0, holders).Select(i => ("nat", "NETNSPS-PREROUTING", (ulong)(10 + i), (string?)Tag)).ToArray();
        using var socket = new NetlinkSocket(Kernel(generation: 7, rules: rules));
        Assert.Throws<SpawnInsteadException>(() => IptablesNetlink.DeleteRules(socket, new[] { Delete("NETNSPS-PREROUTING", Tag) }, new HandleCache()));
    }

    [Fact]
    public void A_deletion_the_kernel_refuses_throws_its_errno()
    {
        using var socket = new NetlinkSocket(Kernel(generation: 7, rules: new[] { ("nat", "NETNSPS-PREROUTING", 6ul, (string?)Tag) }, refuseDelete: Uapi.ENOENT));
        var e = Assert.Throws<NetlinkException>(() => IptablesNetlink.DeleteRules(socket, new[] { Delete("NETNSPS-PREROUTING", Tag) }, new HandleCache()));
        Assert.Equal(Uapi.ENOENT, e.Errno);
    }

    [Fact]
    public void A_native_form_that_cannot_be_exact_runs_the_program_instead()
    {
        var spawn = new FakeRunner();
        var command = new CommandSpec("iptables", "-w", "-t", "nat", "-D", "X") { Native = _ => throw new SpawnInsteadException("not here") };
        using var session = new NetlinkSession();
        Assert.True(new NativeRunner(session, spawn).Run(command, CancellationToken.None).Succeeded);
        Assert.Equal(new[] { "iptables -w -t nat -D X" }, spawn.Ran);
    }

    // ---- a scripted kernel ----

    private static ushort Type(int message) => NftGeneration.MessageType(message);

    private static (string? Table, string? Chain, ulong Handle, string? Comment) ParseRule(byte[] payload) => IptablesNetlink.ParseRule(payload)!.Value;

    private static NetlinkAttributes Attributes(byte[] payload) => new(payload.AsSpan(Uapi.SIZEOF_NFGENMSG));

    /// <summary>A NEWRULE payload as iptables-nft's rules come in a dump: payload, cmp, an xt comment match, counter, immediate.</summary>
    private static byte[] Rule(string table, string chain, ulong handle, string? comment, string? userDataComment = null)
    {
        var h = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(h, handle);
        return ScriptedTransport.Payload(Type(Uapi.NFT_MSG_NEWRULE), new byte[] { Uapi.NFPROTO_IPV4, 0, 0, 0 }, m =>
        {
            m.String(Uapi.NFTA_RULE_TABLE, table).String(Uapi.NFTA_RULE_CHAIN, chain).Bytes(Uapi.NFTA_RULE_HANDLE, h);
            m.BeginNested(Uapi.NFTA_RULE_EXPRESSIONS);
            m.BeginNested(Uapi.NFTA_LIST_ELEM).String(Uapi.NFTA_EXPR_NAME, "payload").BeginNested(Uapi.NFTA_EXPR_DATA).U32(1, 1).EndNested().EndNested();
            if (comment is not null)
            {
                var info = new byte[256];
                Encoding.UTF8.GetBytes(comment).CopyTo(info, 0);
                m.BeginNested(Uapi.NFTA_LIST_ELEM).String(Uapi.NFTA_EXPR_NAME, "match")
                    .BeginNested(Uapi.NFTA_EXPR_DATA).String(Uapi.NFTA_MATCH_NAME, "comment").U32(2, 0).Bytes(Uapi.NFTA_MATCH_INFO, info).EndNested()
                    .EndNested();
            }
            m.BeginNested(Uapi.NFTA_LIST_ELEM).String(Uapi.NFTA_EXPR_NAME, "immediate").EndNested();
            m.EndNested();
            if (userDataComment is not null)
            {
                var text = Encoding.UTF8.GetBytes(userDataComment + "\0");
                m.Bytes(Uapi.NFTA_RULE_USERDATA, new byte[] { Uapi.NFTNL_UDATA_RULE_COMMENT, (byte)text.Length }.Concat(text).ToArray());
            }
            return m;
        });
    }

    /// <summary>
    /// Answers GETGEN with the generation, GETRULE with the rules of the chain asked for, and a batch with an ACK for
    /// each of its deletions, or with ERESTART on its begin the first <paramref name="restarts"/> times, or with an
    /// error on its first deletion.
    /// </summary>
    private static ScriptedTransport Kernel(uint generation, IList<(string Table, string Chain, ulong Handle, string? Comment)> rules, int restarts = 0, int refuseDelete = 0)
    {
        var batches = 0;
        return new ScriptedTransport((request, _) =>
        {
            var messages = Split(request);
            var first = messages[0];
            if (first.Type == Type(Uapi.NFT_MSG_GETGEN))
            {
                var id = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(id, generation);
                var reply = ScriptedTransport.Payload(Type(Uapi.NFT_MSG_NEWGEN), new byte[4], m => m.Bytes(Uapi.NFTA_GEN_ID, id));
                return new[] { (ScriptedTransport.Message(Type(Uapi.NFT_MSG_NEWGEN), 0, first.Sequence, reply), 0u) };
            }
            if (first.Type == Type(Uapi.NFT_MSG_GETRULE) && (first.Flags & Uapi.NLM_F_DUMP) == 0)
            {
                var asked = Attributes(first.Payload);
                var (table, chain) = (asked.String(Uapi.NFTA_RULE_TABLE), asked.String(Uapi.NFTA_RULE_CHAIN));
                var handle = BinaryPrimitives.ReadUInt64BigEndian(asked.Get(Uapi.NFTA_RULE_HANDLE, out var present));
                var match = rules.Where(r => r.Table == table && r.Chain == chain && r.Handle == handle).ToList();
                return new[] { (match.Count == 1
                    ? ScriptedTransport.Message(Type(Uapi.NFT_MSG_NEWRULE), 0, first.Sequence, Rule(table!, chain!, handle, match[0].Comment))
                    : ScriptedTransport.Error(first.Sequence, Uapi.ENOENT), 0u) };
            }
            if (first.Type == Type(Uapi.NFT_MSG_GETRULE))
            {
                var asked = Attributes(first.Payload);
                var (table, chain) = (asked.String(Uapi.NFTA_RULE_TABLE), asked.String(Uapi.NFTA_RULE_CHAIN));
                var dump = rules.Where(r => r.Table == table && r.Chain == chain)
                    .Select(r => ScriptedTransport.Message(Type(Uapi.NFT_MSG_NEWRULE), Uapi.NLM_F_MULTI, first.Sequence, Rule(r.Table, r.Chain, r.Handle, r.Comment)))
                    .Append(ScriptedTransport.Done(first.Sequence));
                return new[] { (ScriptedTransport.Concat(dump.ToArray()), 0u) };
            }
            Assert.Equal(Uapi.NFNL_MSG_BATCH_BEGIN, first.Type);
            if (batches++ < restarts)
            {
                return new[] { (ScriptedTransport.Error(first.Sequence, Uapi.ERESTART), 0u) };
            }
            var acks = messages.Where(m => m.Type == Type(Uapi.NFT_MSG_DELRULE))
                .Select((m, i) => ScriptedTransport.Error(m.Sequence, i == 0 ? refuseDelete : 0));
            return new[] { (ScriptedTransport.Concat(acks.ToArray()), 0u) };
        });
    }

    private static List<(ushort Type, ushort Flags, uint Sequence, byte[] Payload)> Split(byte[] datagram)
    {
        var messages = new List<(ushort, ushort, uint, byte[])>();
        for (var offset = 0; offset + Uapi.NLMSG_HDRLEN <= datagram.Length;)
        {
            var span = datagram.AsSpan(offset);
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
            messages.Add((BinaryPrimitives.ReadUInt16LittleEndian(span[4..]), BinaryPrimitives.ReadUInt16LittleEndian(span[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(span[8..]), span[Uapi.NLMSG_HDRLEN..length].ToArray()));
            offset += NetlinkAttributes.Align(length);
        }
        return messages;
    }
}
