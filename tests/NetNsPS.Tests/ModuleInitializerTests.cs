using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Xunit;

namespace NetNsPS.Tests;

[Collection("Environment")]
public class ModuleInitializerTests
{
    [Fact]
    public void OtherPlatform_ThrowsPlatformNotSupported_NamingLinuxAndTheSystem()
    {
        var e = Assert.Throws<PlatformNotSupportedException>(() => PlatformGuard.EnsureSupported(() => false, "Microsoft Windows 10.0.22631 "));
        Assert.StartsWith("NetNsPS runs on Linux only", e.Message);
        Assert.EndsWith("This system is Microsoft Windows 10.0.22631.", e.Message);
    }

    [Fact]
    public void Linux_PassesWithoutAnError() =>
        PlatformGuard.EnsureSupported(() => true, "Linux 6.8.0");

    [Fact]
    public void ImportModule_OnAnotherPlatform_FailsWithTheOneMessage_AndExportsNothing()
    {
        var previous = ModuleInitializer.IsSupportedPlatform;
        ModuleInitializer.IsSupportedPlatform = () => false;
        try
        {
            using var ps = PowerShell.Create(InitialSessionState.CreateDefault2());
            ps.AddCommand("Import-Module").AddParameter("Name", typeof(ModuleInitializer).Assembly.Location).AddParameter("PassThru");
            var e = Assert.ThrowsAny<Exception>(() => ps.Invoke());
            // What the user sees is the one message itself, not a wrapper around a stack trace.
            Assert.Equal(PlatformGuard.Message(System.Runtime.InteropServices.RuntimeInformation.OSDescription), e.Message);
            Assert.IsType<PlatformNotSupportedException>(e.InnerException);
            Assert.Equal("System.PlatformNotSupportedException,Microsoft.PowerShell.Commands.ImportModuleCommand",
                ((IContainsErrorRecord)e).ErrorRecord.FullyQualifiedErrorId);
            ps.Commands.Clear();
            ps.AddCommand("Get-Command").AddParameter("Name", "New-NetNamespace").AddParameter("ErrorAction", "SilentlyContinue");
            Assert.Empty(ps.Invoke());
        }
        finally
        {
            ModuleInitializer.IsSupportedPlatform = previous;
        }
    }

    [Fact]
    public void ImportModule_OnLinux_ExportsTheCmdlets()
    {
        using var ps = PowerShell.Create(InitialSessionState.CreateDefault2());
        ps.AddCommand("Import-Module").AddParameter("Name", typeof(ModuleInitializer).Assembly.Location).AddParameter("PassThru");
        var module = (PSModuleInfo)ps.Invoke().Single().BaseObject;
        Assert.False(ps.HadErrors);
        Assert.Contains("New-NetNamespace", module.ExportedCmdlets.Keys);
    }
}
