using NetNsPS.Linux;
using NetNsPS.Linux.Firewall.Firewalld;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>firewalld's answers as dbus-send prints them (taken from firewalld 1.3.3 in the sandbox).</summary>
public class FirewalldZoneTests
{
    private static readonly CommandSpec Read = FirewalldZone.ZoneOfInterfaceOverBus("bridge0");

    [Fact]
    public void ReadsTheZoneOverTheBus_EmptyMeansNone()
    {
        Assert.Equal("dbus-send --system --print-reply --dest=org.fedoraproject.FirewallD1 /org/fedoraproject/FirewallD1 org.fedoraproject.FirewallD1.zone.getZoneOfInterface string:bridge0", Read.Render());
        var trusted = new ProcessResult(0, "method return time=1796187222.532575 sender=:1.0 -> destination=:1.3 serial=937 reply_serial=2\n   string \"trusted\"\n", "");
        Assert.Equal(new FirewalldBinding("bridge0", "trusted"), FirewalldZone.ParseBusReply("bridge0", Read, trusted));
        var none = new ProcessResult(0, "method return time=1796187222.630882 sender=:1.0 -> destination=:1.4 serial=942 reply_serial=2\n   string \"\"\n", "");
        Assert.Equal(new FirewalldBinding("bridge0", null), FirewalldZone.ParseBusReply("bridge0", Read, none));
    }

    [Fact]
    public void NoFirewalldOnTheBus_IsNotRunning_OtherErrorsAreErrors()
    {
        var stopped = new ProcessResult(1, "", "Error org.freedesktop.DBus.Error.ServiceUnknown: The name org.fedoraproject.FirewallD1 was not provided by any .service files\n");
        Assert.Null(FirewalldZone.ParseBusReply("bridge0", Read, stopped));
        var denied = new ProcessResult(1, "", "Error org.freedesktop.DBus.Error.AccessDenied: Rejected send message\n");
        var e = Assert.Throws<NetNsException>(() => FirewalldZone.ParseBusReply("bridge0", Read, denied));
        Assert.Equal("CommandFailed", e.ErrorId);
        Assert.Contains("AccessDenied", e.Message);
    }

    [Fact]
    public void TheCommandsArePasteableFirewallCmdRuntimeBindings()
    {
        Assert.Equal("firewall-cmd --zone=trusted --add-interface=bridge0", FirewalldZone.AddInterface("bridge0").Render());
        Assert.Equal("firewall-cmd --zone=trusted --remove-interface=bridge0", FirewalldZone.RemoveInterface("bridge0").Render());
        Assert.Equal("firewall-cmd --zone=trusted --change-interface=bridge0", FirewalldZone.ChangeInterface("bridge0").Render());
    }
}
