using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

public class IcmpEchoTests
{
    private const ushort Id = 0x1234;
    private const ushort Seq = 7;

    [Fact]
    public void Checksum_Rfc1071Example() =>
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2, whose complement is 220d.
        Assert.Equal(0x220d, IcmpEcho.Checksum(new byte[] { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 }));

    [Fact]
    public void Checksum_PadsAnOddLastByteWithZero() =>
        Assert.Equal(0x2304, IcmpEcho.Checksum(new byte[] { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6 }));

    [Fact]
    public void Checksum_FoldsCarriesBackIn_UntilNoneIsLeft() =>
        // ffff + ffff + 0001 = 1ffff -> ffff + 1 = 10000 -> 0000 + 1 = 0001, complemented: fffe.
        Assert.Equal(0xfffe, IcmpEcho.Checksum(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x00, 0x01 }));

    [Fact]
    public void BuildRequest_MatchesWhatWindowsPingSends()
    {
        // Windows ping, identifier 1, sequence 1, its 32-byte alphabet payload: checksum 4d5a on the wire.
        var packet = IcmpEcho.BuildRequest(1, 1, IcmpEcho.DefaultPayload);
        var expectedHeader = new byte[] { 8, 0, 0x4d, 0x5a, 0, 1, 0, 1 };
        Assert.Equal(expectedHeader, packet[..8]);
        Assert.Equal("abcdefghijklmnopqrstuvwabcdefghi"u8.ToArray(), packet[8..]);
    }

    [Fact]
    public void BuildRequest_PutsIdentifierAndSequenceInNetworkOrder_AndAValidChecksum()
    {
        var packet = IcmpEcho.BuildRequest(Id, Seq, new byte[] { 1, 2, 3 });
        Assert.Equal(11, packet.Length);
        Assert.Equal(IcmpEcho.EchoRequestType, packet[0]);
        Assert.Equal(0, packet[1]);
        Assert.Equal(new byte[] { 0x12, 0x34, 0x00, 0x07 }, packet[4..8]);
        Assert.Equal(0, IcmpEcho.Checksum(packet));
    }

    [Fact]
    public void IsReplyTo_AcceptsTheReply_FromAPingSocket() =>
        Assert.True(IcmpEcho.IsReplyTo(Reply(Id, Seq), startsWithIpHeader: false, Id, Seq));

    [Fact]
    public void IsReplyTo_AcceptsTheReply_FromARawSocket_AfterTheIpHeader() =>
        Assert.True(IcmpEcho.IsReplyTo(WithIpHeader(Reply(Id, Seq)), startsWithIpHeader: true, Id, Seq));

    [Fact]
    public void IsReplyTo_SkipsIpOptions()
    {
        var withOptions = WithIpHeader(Reply(Id, Seq), optionWords: 2);
        Assert.Equal(0x47, withOptions[0]);
        Assert.True(IcmpEcho.IsReplyTo(withOptions, startsWithIpHeader: true, Id, Seq));
    }

    [Theory]
    [InlineData((ushort)(Id + 1), Seq)]
    [InlineData(Id, (ushort)(Seq + 1))]
    public void IsReplyTo_RejectsAnotherProbesReply(ushort identifier, ushort sequence) =>
        Assert.False(IcmpEcho.IsReplyTo(Reply(identifier, sequence), startsWithIpHeader: false, Id, Seq));

    [Fact]
    public void IsReplyTo_RejectsOurOwnRequest()
    {
        // A raw socket pinging a local address sees the request go by as well as the reply.
        var request = IcmpEcho.BuildRequest(Id, Seq, IcmpEcho.DefaultPayload);
        Assert.False(IcmpEcho.IsReplyTo(WithIpHeader(request), startsWithIpHeader: true, Id, Seq));
    }

    [Fact]
    public void IsReplyTo_RejectsDestinationUnreachable_ThatQuotesOurRequest()
    {
        var request = IcmpEcho.BuildRequest(Id, Seq, IcmpEcho.DefaultPayload);
        var quoted = WithIpHeader(request);
        var unreachable = new byte[8 + quoted.Length];
        unreachable[0] = 3;
        unreachable[1] = 1;
        quoted.CopyTo(unreachable, 8);
        SetChecksum(unreachable);
        Assert.False(IcmpEcho.IsReplyTo(WithIpHeader(unreachable), startsWithIpHeader: true, Id, Seq));
        Assert.False(IcmpEcho.IsReplyTo(unreachable, startsWithIpHeader: false, Id, Seq));
    }

    [Fact]
    public void IsReplyTo_RejectsABadChecksum()
    {
        var reply = Reply(Id, Seq);
        reply[^1] ^= 0xff;
        Assert.False(IcmpEcho.IsReplyTo(reply, startsWithIpHeader: false, Id, Seq));
    }

    [Fact]
    public void IsReplyTo_RejectsANonZeroCode()
    {
        var reply = Reply(Id, Seq);
        reply[1] = 1;
        SetChecksum(reply);
        Assert.False(IcmpEcho.IsReplyTo(reply, startsWithIpHeader: false, Id, Seq));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void IsReplyTo_RejectsTruncatedMessages(int length) =>
        Assert.False(IcmpEcho.IsReplyTo(Reply(Id, Seq)[..length], startsWithIpHeader: false, Id, Seq));

    [Fact]
    public void IsReplyTo_RejectsTruncatedOrForeignIpPackets()
    {
        var packet = WithIpHeader(Reply(Id, Seq));
        Assert.False(IcmpEcho.IsReplyTo(packet[..19], startsWithIpHeader: true, Id, Seq));
        Assert.False(IcmpEcho.IsReplyTo(packet[..27], startsWithIpHeader: true, Id, Seq));

        var udp = (byte[])packet.Clone();
        udp[9] = 17;
        Assert.False(IcmpEcho.IsReplyTo(udp, startsWithIpHeader: true, Id, Seq));

        var ipv6 = (byte[])packet.Clone();
        ipv6[0] = 0x65;
        Assert.False(IcmpEcho.IsReplyTo(ipv6, startsWithIpHeader: true, Id, Seq));

        var shortHeader = (byte[])packet.Clone();
        shortHeader[0] = 0x44;
        Assert.False(IcmpEcho.IsReplyTo(shortHeader, startsWithIpHeader: true, Id, Seq));
    }

    /// <summary>What the target sends back: the request with type 0 and a fresh checksum.</summary>
    private static byte[] Reply(ushort identifier, ushort sequence)
    {
        var packet = IcmpEcho.BuildRequest(identifier, sequence, IcmpEcho.DefaultPayload);
        packet[0] = IcmpEcho.EchoReplyType;
        SetChecksum(packet);
        return packet;
    }

    private static void SetChecksum(byte[] icmp)
    {
        icmp[2] = icmp[3] = 0;
        var checksum = IcmpEcho.Checksum(icmp);
        icmp[2] = (byte)(checksum >> 8);
        icmp[3] = (byte)checksum;
    }

    /// <summary>A minimal IPv4 header (protocol 1) in front, optionally with option words, as a raw socket delivers it.</summary>
    private static byte[] WithIpHeader(byte[] icmp, int optionWords = 0)
    {
        var headerLength = 20 + 4 * optionWords;
        var packet = new byte[headerLength + icmp.Length];
        packet[0] = (byte)(0x40 | (headerLength / 4));
        packet[2] = (byte)(packet.Length >> 8);
        packet[3] = (byte)packet.Length;
        packet[8] = 64;
        packet[9] = 1;
        new byte[] { 192, 168, 15, 3 }.CopyTo(packet, 12);
        new byte[] { 192, 168, 15, 2 }.CopyTo(packet, 16);
        icmp.CopyTo(packet, headerLength);
        return packet;
    }
}
