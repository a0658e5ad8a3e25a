using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NetNsPS.Commands;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// Argument checks of Test-NsConnection in a hosted PowerShell. Every case fails before a probe starts, so no
/// packet is sent: the namespaces named here do not exist, and the addresses are invalid where one could be reached.
/// </summary>
public class TestNsConnectionCommandTests
{
    private const string Missing = "netnsps-xunit-missing";

    [Theory]
    [InlineData("localhost", "127.0.0.1")]
    [InlineData("LocalHost", "127.0.0.1")]
    [InlineData("192.168.15.3", "192.168.15.3")]
    [InlineData("2001:db8:15::3", "2001:db8:15::3")]
    [InlineData("::1", "::1")]
    public void ResolveComputerName_TakesIpv4Ipv6AndLocalhost(string name, string expected) =>
        Assert.Equal(System.Net.IPAddress.Parse(expected), TestNsConnectionCommand.ResolveComputerName(name));

    [Theory]
    [InlineData("web", "InvalidIPAddress")]
    [InlineData("example.com", "InvalidIPAddress")]
    [InlineData("192.168.15", "InvalidIPAddress")]
    [InlineData("fe80::1%eth0", "InvalidIPAddress")]
    [InlineData("[::1]", "InvalidIPAddress")]
    public void ResolveComputerName_RejectsWhatIsNotAnAddress(string name, string errorId)
    {
        var e = Assert.Throws<NetNsException>(() => TestNsConnectionCommand.ResolveComputerName(name));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.Category);
        Assert.Contains("ComputerName", e.Message);
    }

    [Theory]
    [InlineData("-Port 0", "ParameterArgumentTransformationError")]
    [InlineData("-TimeoutSeconds 0", "ParameterArgumentValidationError")]
    [InlineData("-TimeoutSeconds 61", "ParameterArgumentValidationError")]
    [InlineData("-InformationLevel Loud", "ParameterArgumentValidationError")]
    public void RejectsOutOfRangeParameters(string arguments, string errorId)
    {
        var errors = Run($"Test-NsConnection -Namespace {Missing} 192.168.15.1 {arguments}");
        Assert.Equal(errorId + ",NetNsPS.Commands.TestNsConnectionCommand", Assert.Single(errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void RejectsAnInvalidNamespaceName()
    {
        var error = Assert.Single(Run("Test-NsConnection -Namespace 'a/b' 192.168.15.1"));
        Assert.Equal("InvalidNamespaceName,NetNsPS.Commands.TestNsConnectionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void AMissingNamespaceIsNamespaceNotFound()
    {
        var error = Assert.Single(Run($"Test-NsConnection -Namespace {Missing} 192.168.15.1 -Port 80"));
        Assert.Equal("NamespaceNotFound,NetNsPS.Commands.TestNsConnectionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(Missing, error.TargetObject);
    }

    [Fact]
    public void EachInvalidComputerNameIsItsOwnError()
    {
        // On the host: both names fail to parse, so nothing is probed.
        var errors = Run("Test-NsConnection web, '10.0.0.256'");
        Assert.Equal(new[] { "web", "10.0.0.256" }, errors.Select(e => e.TargetObject));
        Assert.All(errors, e => Assert.Equal("InvalidIPAddress,NetNsPS.Commands.TestNsConnectionCommand", e.FullyQualifiedErrorId));
    }

    [Fact]
    public void NetNamespaceObjectsFromThePipelineBindToNamespace()
    {
        // Get-NetNamespace red | Test-NsConnection -ComputerName ...: the Name property binds through the alias.
        var errors = Run($"[NetNsPS.NetNamespace]@{{ Name = '{Missing}' }}, [NetNsPS.NetNamespace]@{{ Name = '{Missing}2' }} | Test-NsConnection -ComputerName bad-address");
        Assert.Equal(new[] { Missing, Missing + "2" }, errors.Select(e => e.TargetObject));
        Assert.All(errors, e => Assert.StartsWith("NamespaceNotFound,", e.FullyQualifiedErrorId));
    }

    [Fact]
    public void AddressObjectsFromThePipelineBindToComputerName()
    {
        var errors = Run("[pscustomobject]@{ IPAddress = 'bad-1' }, [pscustomobject]@{ RemoteAddress = 'bad-2' } | Test-NsConnection");
        Assert.Equal(new[] { "bad-1", "bad-2" }, errors.Select(e => e.TargetObject));
    }

    private static List<ErrorRecord> Run(string script)
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Test-NsConnection", typeof(TestNsConnectionCommand), null));
        using var ps = PowerShell.Create(state);
        var output = ps.AddScript(script).Invoke();
        Assert.Empty(output);
        return ps.Streams.Error.ToList();
    }
}
