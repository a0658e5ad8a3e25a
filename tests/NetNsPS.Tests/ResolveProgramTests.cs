using System;
using System.IO;
using System.Management.Automation;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>Finding programs on PATH, as they come and go while pwsh runs.</summary>
[Collection("Environment")]
public class ResolveProgramTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"netnsps-path-{Guid.NewGuid():N}");
    private readonly string? _path = Environment.GetEnvironmentVariable("PATH");

    public ResolveProgramTests()
    {
        Directory.CreateDirectory(_dir);
        Environment.SetEnvironmentVariable("PATH", _dir);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PATH", _path);
        Directory.Delete(_dir, true);
    }

    [Fact]
    public void AProgramRemovedAfterItWasFound_IsReportedMissing_WithItsPackage()
    {
        var ip = Path.Combine(_dir, "ip");
        File.WriteAllText(ip, "");
        Assert.Equal(ip, ProcessRunner.ResolveProgram("ip"));
        File.Delete(ip);
        var e = Assert.Throws<NetNsException>(() => ProcessRunner.ResolveProgram("ip"));
        Assert.Equal("ProgramNotFound", e.ErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.Category);
        Assert.Contains("apt-get install iproute2", e.Message);
    }

    [Fact]
    public void AProgramInstalledAfterItWasMissing_IsFound()
    {
        Assert.Throws<NetNsException>(() => ProcessRunner.ResolveProgram("sysctl"));
        File.WriteAllText(Path.Combine(_dir, "sysctl"), "");
        Assert.Equal(Path.Combine(_dir, "sysctl"), ProcessRunner.ResolveProgram("sysctl"));
    }
}
