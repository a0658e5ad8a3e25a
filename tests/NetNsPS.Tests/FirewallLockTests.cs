using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>The lock that serialises the module's firewall changes (on a temporary file here, not /run).</summary>
public class FirewallLockTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"netnsps-lock-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task ASecondHolderWaits_AndGetsItOnceTheFirstLetsGo()
    {
        var first = FirewallLock.Acquire(default, _path);
        var second = Task.Run(() => FirewallLock.Acquire(default, _path, TimeSpan.FromSeconds(10)));
        await Task.Delay(200);
        Assert.False(second.IsCompleted);
        first.Dispose();
        using var taken = await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void WaitingTooLong_IsAResourceBusyError()
    {
        using var first = FirewallLock.Acquire(default, _path);
        var e = Assert.Throws<NetNsException>(() => FirewallLock.Acquire(default, _path, TimeSpan.FromMilliseconds(100)));
        Assert.Equal("FirewallLockTimeout", e.ErrorId);
        Assert.Equal(ErrorCategory.ResourceBusy, e.Category);
    }

    [Fact]
    public void CtrlC_StopsTheWait()
    {
        using var first = FirewallLock.Acquire(default, _path);
        using var cancel = new CancellationTokenSource(100);
        Assert.ThrowsAny<OperationCanceledException>(() => FirewallLock.Acquire(cancel.Token, _path, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void AnUnusableLockFile_IsAnError_NotAnException()
    {
        var e = Assert.Throws<NetNsException>(() => FirewallLock.Acquire(default, "/nonexistent-dir/netnsps.lock"));
        Assert.Equal("FirewallLockFailed", e.ErrorId);
    }

    [Fact]
    public void TheDefaultLockIsOnePerNetworkNamespace()
    {
        Assert.Equal($"/run/netnsps/{FirewallLock.NetnsId()}.lock", FirewallLock.DefaultPath);
        Assert.Matches("^[0-9]+$", FirewallLock.NetnsId());
    }
}
