using System.Collections;
using System.Linq;
using NetNsPS.Completion;
using Xunit;

namespace NetNsPS.Tests;

public class CompletionTests
{
    private static readonly LiveCompleter Completer = new NamespaceCompleter();

    [Theory]
    [InlineData("red", null, "red")]
    [InlineData("veth-red-br", null, "veth-red-br")]
    [InlineData("web.frontend@1+x", null, "web.frontend@1+x")]
    [InlineData("0x1f", null, "'0x1f'")]          // bare, a number
    [InlineData("1e3", null, "'1e3'")]            // bare, a number
    [InlineData("-x", null, "'-x'")]              // bare, a parameter name
    [InlineData("@x", null, "'@x'")]              // bare, splatting
    [InlineData("a,b", null, "'a,b'")]            // bare, an array
    [InlineData("a b", null, "'a b'")]
    [InlineData("it's", null, "'it''s'")]
    [InlineData("$x", null, "'$x'")]
    [InlineData("red", '\'', "'red'")]
    [InlineData("red", '"', "\"red\"")]
    [InlineData("a$b", '"', "\"a`$b\"")]
    public void Quote_ReadsBackAsTheSameString(string value, char? quote, string expected) =>
        Assert.Equal(expected, Completer.Quote(value, quote));

    [Theory]
    [InlineData("", "", null)]
    [InlineData("r", "r", null)]
    [InlineData("'r", "r", '\'')]
    [InlineData("'red'", "red", '\'')]
    [InlineData("\"b", "b", '"')]
    [InlineData("'it''", "it'", '\'')]
    public void Unquote_StripsTheOpeningQuote(string word, string prefix, char? quote) =>
        Assert.Equal((prefix, quote), LiveCompleter.Unquote(word));

    [Fact]
    public void NamespaceMounts_AreTheNsfsMountsDirectlyUnderRunNetns()
    {
        const string mountinfo =
            "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n" +
            "600 22 0:25 / /run/netns rw,nosuid shared:5 - tmpfs tmpfs rw\n" +
            "601 600 0:4 net:[4026532300] /run/netns/red rw shared:5 - nsfs nsfs rw\n" +
            "602 600 0:4 net:[4026532301] /run/netns/blue rw shared:5 - nsfs nsfs rw\n" +
            "603 600 0:4 net:[4026532302] /run/netns/with\\040space rw shared:5 - nsfs nsfs rw\n" +
            "604 22 0:4 net:[4026532303] /var/run/docker/netns/abc rw - nsfs nsfs rw\n" +
            "605 600 0:4 mnt:[4026532304] /run/netns/sub/deeper rw - nsfs nsfs rw\n" +
            "606 600 0:26 / /run/netns/bogus rw - tmpfs tmpfs rw\n";
        Assert.Equal(new[] { "blue", "red", "with space" }, LiveState.ParseNamespaceMounts(mountinfo).OrderBy(n => n).ToArray());
    }

    [Fact]
    public void Context_ReducesTypedValuesToStrings()
    {
        IDictionary bound = new Hashtable
        {
            ["Namespace"] = new object[] { "red", new System.Management.Automation.PSObject(new NetNamespace { Name = "blue" }) },
            ["ExternalPort"] = 8080,
        };
        var context = new CompletionContext("Get-NsPort", "", bound);
        Assert.Equal(new[] { "red", "blue" }, context.Bound("Namespace"));
        Assert.Equal(new[] { "8080" }, context.Bound("ExternalPort"));
        Assert.Empty(context.Bound("Protocol"));
        Assert.Empty(new CompletionContext("x", "", null).Bound("Namespace"));
    }
}
