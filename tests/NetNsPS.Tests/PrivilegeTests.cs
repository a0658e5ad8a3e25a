using NetNsPS.Linux.Firewall.Iptables;
using System.Management.Automation;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>A read the kernel refuses for lack of privileges is one clear error that names root and the capability.</summary>
public class PrivilegeTests
{
    [Fact]
    public void ReadNeedsRoot_NamesRootAndTheCapability_AndStopsThePipeline()
    {
        var e = Privileges.ReadNeedsRoot("the firewall", "CAP_NET_ADMIN", "iptables-save: Permission denied (you must be root)");
        Assert.Equal("RootRequired", e.ErrorId);   // the id NetNsCmdlet turns into a terminating error
        Assert.Equal(ErrorCategory.PermissionDenied, e.Category);
        Assert.Contains("needs root (CAP_NET_ADMIN)", e.Message);
        Assert.Contains("Permission denied (you must be root)", e.Message);
    }

    [Fact]
    public void AFirewallReadRefused_IsRootRequired_OnlyWhenThisProcessLacksTheCapability()
    {
        var runner = new FakeRunner(_ => new ProcessResult(4, "", "iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)"));
        var e = Assert.Throws<NetNsException>(() => IptablesDriver.Instance.Read(runner, default));
        Assert.Equal(ErrorCategory.PermissionDenied, e.Category);
        Assert.Equal(Privileges.HasNetworkAdmin() ? "FirewallReadFailed" : "RootRequired", e.ErrorId);
    }
}
