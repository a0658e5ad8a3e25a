using System.IO;
using System.Management.Automation;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

[Collection("Environment")]
public class SandboxProtocolTests
{
    [Fact]
    public void PlainLines_AreNotRecords() =>
        Assert.False(SandboxProtocol.TryParse("What if: ip netns add red", out _, out _));

    [Fact]
    public void ErrorRecords_RoundTripWithIdAndCategory()
    {
        var original = new ErrorRecord(new System.Exception("Bridge 'br9' does not exist."), "BridgeNotFound,NetNsPS.Commands.AddVethPairCommand", ErrorCategory.ObjectNotFound, "br9");
        var line = Capture(() => SandboxProtocol.Emit(original));
        Assert.True(SandboxProtocol.TryParse(line, out var kind, out var payload));
        Assert.Equal(SandboxProtocol.Kind.Error, kind);
        var back = SandboxProtocol.ToErrorRecord(payload);
        Assert.Equal("Bridge 'br9' does not exist.", back.Exception.Message);
        Assert.Equal(ErrorCategory.ObjectNotFound, back.CategoryInfo.Category);
        Assert.Equal("BridgeNotFound,NetNsPS.Commands.AddVethPairCommand", ((SandboxErrorException)back.Exception).OriginalErrorId);
    }

    [Fact]
    public void Warnings_RoundTrip()
    {
        var line = Capture(() => SandboxProtocol.Emit(new WarningRecord("careful\nnow")));
        Assert.DoesNotContain("\n", line.TrimEnd());
        Assert.True(SandboxProtocol.TryParse(line.TrimEnd(), out var kind, out var payload));
        Assert.Equal(SandboxProtocol.Kind.Warning, kind);
        Assert.Equal("careful\nnow", payload);
    }

    private static string Capture(System.Action action)
    {
        var previous = System.Console.Out;
        var writer = new StringWriter();
        System.Console.SetOut(writer);
        try
        {
            action();
        }
        finally
        {
            System.Console.SetOut(previous);
        }
        return writer.ToString().TrimEnd('\r', '\n');
    }
}
