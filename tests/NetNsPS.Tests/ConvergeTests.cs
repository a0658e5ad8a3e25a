using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>An ensure operation that loses a race to another process converges instead of failing.</summary>
public class ConvergeTests
{
    private static readonly FakeSystemView State = new();

    private static NetNsException Kernel(string words) =>
        new($"ip link add bridge0 type bridge: {words}", "CommandFailed", KernelErrors.Categorize(words), null);

    [Fact]
    public void AKernelFileExists_IsRetriedOnce_AfterReadingAgain()
    {
        var runs = 0;
        Converge.OnRace(State, () =>
        {
            if (++runs == 1)
            {
                throw Kernel("RTNETLINK answers: File exists");
            }
        });
        Assert.Equal(2, runs);
    }

    [Fact]
    public void LosingRaceAfterRace_ConvergesAsLongAsTheOthersMakeProgress()
    {
        // First the bridge was made by another process, then its address.
        var runs = 0;
        Converge.OnRace(State, () =>
        {
            if (++runs == 1) throw Kernel("RTNETLINK answers: File exists");
            if (runs == 2) throw Kernel("Error: ipv4: Address already assigned.");
        });
        Assert.Equal(3, runs);
    }

    [Fact]
    public void LosingEveryTime_IsTheError_AfterAFewTries()
    {
        var runs = 0;
        var e = Assert.Throws<NetNsException>(() => Converge.OnRace(State, () => { runs++; throw Kernel("RTNETLINK answers: File exists"); }));
        Assert.Equal(4, runs);
        Assert.Equal(ErrorCategory.ResourceExists, e.Category);
    }

    [Theory]
    [InlineData("CommandFailed", "RTNETLINK answers: Operation not permitted")]
    [InlineData("AddressInUse", "File exists")]
    public void OtherErrors_AreNotRetried(string errorId, string words)
    {
        var runs = 0;
        Assert.Throws<NetNsException>(() => Converge.OnRace(State, () =>
        {
            runs++;
            throw new NetNsException(words, errorId, KernelErrors.Categorize(words), null);
        }));
        Assert.Equal(1, runs);
    }
}
