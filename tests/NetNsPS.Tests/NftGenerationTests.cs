using System;
using System.Buffers.Binary;
using NetNsPS.Linux.Firewall.Nftables;
using NetNsPS.Linux.Netlink;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>The ruleset generation: NFT_MSG_GETGEN as sent and read back, and when two marks say nobody else changed the ruleset.</summary>
public class NftGenerationTests
{
    private static byte[] NewGen(uint generation)
    {
        // struct nfgenmsg, then NFTA_GEN_ID (big endian), as nf_tables_fill_gen_info writes them.
        var id = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(id, generation);
        return ScriptedTransport.Payload(NftGeneration.MessageType(Uapi.NFT_MSG_NEWGEN), new byte[Uapi.SIZEOF_NFGENMSG], m => m.Bytes(Uapi.NFTA_GEN_ID, id));
    }

    [Fact]
    public void Read_SendsGetGenOfTheNftablesSubsystem_AndReadsTheBigEndianId()
    {
        var transport = new ScriptedTransport((request, _) => new[]
        {
            (ScriptedTransport.Message(NftGeneration.MessageType(Uapi.NFT_MSG_NEWGEN), 0, ScriptedTransport.Sequence(request), NewGen(0x01020304)), 0u),
        });
        using var generation = NftGeneration.Over(transport);

        Assert.Equal(0x01020304u, generation.Read());
        Assert.Equal((ushort)((Uapi.NFNL_SUBSYS_NFTABLES << 8) | Uapi.NFT_MSG_GETGEN), ScriptedTransport.Type(transport.Sent[0]));
        Assert.Equal(Uapi.NLM_F_REQUEST, ScriptedTransport.Flags(transport.Sent[0]));
    }

    [Fact]
    public void Read_WithoutAGenerationInTheReply_Throws()
    {
        var transport = new ScriptedTransport((request, _) => new[]
        {
            (ScriptedTransport.Message(NftGeneration.MessageType(Uapi.NFT_MSG_NEWGEN), 0, ScriptedTransport.Sequence(request), new byte[Uapi.SIZEOF_NFGENMSG]), 0u),
        });
        using var generation = NftGeneration.Over(transport);

        Assert.Throws<NetlinkException>(() => generation.Read());
    }

    [Theory]
    [InlineData(10u, 5, 5, 12u, 7, 7, true)]     // two transactions, both this thread's
    [InlineData(10u, 5, 5, 10u, 5, 5, true)]     // nothing happened
    [InlineData(10u, 5, 5, 13u, 7, 7, false)]    // another program committed one besides
    [InlineData(10u, 5, 5, 11u, 6, 5, false)]    // the process's one transaction was another thread's
    [InlineData(10u, 5, 5, 11u, 7, 7, false)]    // one of ours committed nothing (the generation moved less)
    [InlineData(uint.MaxValue, 5, 5, 0u, 6, 6, true)] // the counter wraps
    public void OnlyOwnSince(uint g0, long c0, long t0, uint g1, long c1, long t1, bool expected) =>
        Assert.Equal(expected, new NftGenerationMark(g1, c1, t1).OnlyOwnSince(new NftGenerationMark(g0, c0, t0)));

    [Theory]
    [InlineData(10u, 5, 13u, 6, 2, true)]     // one libnftables run and the plan's two iptables-restore processes
    [InlineData(10u, 5, 14u, 6, 2, false)]    // and somebody else's change beside them
    [InlineData(10u, 5, 12u, 6, 2, false)]    // one of the iptables processes committed nothing
    [InlineData(10u, 5, 12u, 5, 2, true)]     // the iptables processes alone
    public void OnlyOwnSince_counts_the_threads_iptables_processes(uint g0, long c0, uint g1, long c1, int iptables, bool expected) =>
        Assert.Equal(expected, new NftGenerationMark(g1, c1, c1).OnlyOwnSince(new NftGenerationMark(g0, c0, c0), iptables));

    [Theory]
    [InlineData("list table inet netnsps", true)]
    [InlineData("list chains ip\nlist chain ip filter FORWARD\n", true)]
    [InlineData("add element inet netnsps nat-output-any4 { tcp . 80 : 10.0.0.2 . 80 }", false)]
    [InlineData("list table inet netnsps\ndelete table inet netnsps", false)]
    public void IsReadOnly_OnlyListCommands(string commands, bool expected) => Assert.Equal(expected, LibNftables.IsReadOnly(commands));
}
