using System.Linq;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>The mark NetNsPS puts on the namespaces and bridges it creates, and how it is read back.</summary>
public class OwnershipTests
{
    private const string Links = """
        [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP"],"mtu":65536,"operstate":"UNKNOWN","ifalias":"netnsps","addr_info":[]},
         {"ifindex":2,"ifname":"bridge0","flags":["UP"],"mtu":1500,"operstate":"UP","ifalias":"netnsps","linkinfo":{"info_kind":"bridge"},"addr_info":[]},
         {"ifindex":3,"ifname":"docker0","flags":["UP"],"mtu":1500,"operstate":"UP","ifalias":"something else","linkinfo":{"info_kind":"bridge"},"addr_info":[]},
         {"ifindex":4,"ifname":"other0","flags":["UP"],"mtu":1500,"operstate":"UP","linkinfo":{"info_kind":"bridge"},"addr_info":[]}]
        """;

    [Fact]
    public void OnlyTheExactMarkCounts()
    {
        var links = IpJson.ParseLinks(Links);
        Assert.Equal(new[] { "lo", "bridge0" }, links.Where(Ownership.IsMarked).Select(l => l.Name));
        Assert.Equal("something else", links[2].Alias);
        Assert.Null(links[3].Alias);
        Assert.False(Ownership.IsMarked(null));
    }

    [Fact]
    public void TheMarkIsAnAliasSetOnTheObjectItself()
    {
        Assert.Equal("ip -n red link set dev lo alias netnsps", Ownership.MarkNamespace("red").Render());
        Assert.Equal("ip link set bridge0 alias netnsps", Ownership.MarkBridge("bridge0").Render());
    }
}
