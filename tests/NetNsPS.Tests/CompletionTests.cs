using System.Collections;
using System.Linq;
using NetNsPS.Linux;
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
    public void NamespaceFile_IsAnNsfsFile_NotAnyFile()
    {
        // This thread's own namespace file is on nsfs; a plain file and a directory are not namespaces; a missing path is not either.
        Assert.True(NetState.IsNamespaceFile("/proc/thread-self/ns/net"));
        var plain = System.IO.Path.GetTempFileName();
        try
        {
            Assert.False(NetState.IsNamespaceFile(plain));
        }
        finally
        {
            System.IO.File.Delete(plain);
        }
        Assert.False(NetState.IsNamespaceFile(System.IO.Path.GetTempPath()));
        Assert.False(NetState.IsNamespaceFile("/nonexistent/netnsps-test"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../../proc/self/ns/net")]
    [InlineData("a/b")]
    public void NamespaceExists_RefusesNamesThatAreNotAFileDirectlyUnderRunNetns(string name) =>
        Assert.False(NetState.NamespaceExists(name));

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
