using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NetNsPS.Commands;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>Get-NsDiagnostic's parameters as PowerShell sees them; nothing is read from the machine.</summary>
public class GetNsDiagnosticCommandTests
{
    [Fact]
    public void NamespaceBindsNetNamespaceObjectsAndGetNsPortOutputByPropertyName()
    {
        var metadata = new CommandMetadata(typeof(GetNsDiagnosticCommand));
        var ns = metadata.Parameters["Namespace"];
        Assert.Contains("Name", ns.Aliases);
        var set = ns.ParameterSets.Values.Single();
        Assert.True(set.ValueFromPipelineByPropertyName);
        Assert.Equal(0, set.Position);
        Assert.True(metadata.Parameters["ExternalPort"].ParameterSets.Values.Single().ValueFromPipelineByPropertyName);
        // The properties of NsPortMapping and NetNamespace that bind.
        Assert.NotNull(typeof(NsPortMapping).GetProperty(nameof(GetNsDiagnosticCommand.Namespace)));
        Assert.NotNull(typeof(NsPortMapping).GetProperty(nameof(GetNsDiagnosticCommand.ExternalPort)));
        Assert.NotNull(typeof(NetNamespace).GetProperty("Name"));
        Assert.False(metadata.SupportsShouldProcess);   // read-only: no -WhatIf to offer
    }

    [Theory]
    [InlineData("-ExternalPort 0", "ParameterArgumentValidationError")]
    [InlineData("-ExternalPort 65536", "CannotConvertArgumentNoMessage")]   // not a uint16 at all
    public void RejectsAPortOutOfRange(string arguments, string errorId)
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Get-NsDiagnostic", typeof(GetNsDiagnosticCommand), null));
        using var ps = PowerShell.Create(state);
        var output = ps.AddScript($"Get-NsDiagnostic red {arguments}").Invoke();
        Assert.Empty(output);
        var error = Assert.Single(ps.Streams.Error);
        Assert.Equal(errorId + ",NetNsPS.Commands.GetNsDiagnosticCommand", error.FullyQualifiedErrorId);
    }
}
