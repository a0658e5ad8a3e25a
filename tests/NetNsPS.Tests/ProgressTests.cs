using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NetNsPS.Commands;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>A pipeline of more than a few items reports progress with counts, and completes it at the end.</summary>
public class ProgressTests
{
    private static ProgressRecord[] Progress(string script)
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Remove-NetNamespace", typeof(RemoveNetNamespaceCommand), null));
        using var ps = PowerShell.Create(state);
        ps.AddScript(script).Invoke();
        return ps.Streams.Progress.ToArray();
    }

    [Fact]
    public void ManyItems_ReportHowManySoFar_ThenComplete()
    {
        var progress = Progress("'nsp-1','nsp-2','nsp-3','nsp-4','nsp-5' | Remove-NetNamespace -WhatIf");
        Assert.Equal(new[] { "4 items so far", "5 items so far", "5 done" }, progress.Select(p => p.StatusDescription));
        Assert.All(progress, p => Assert.Equal("Remove-NetNamespace", p.Activity));
        Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
    }

    [Fact]
    public void AFewItems_ReportNothing() =>
        Assert.Empty(Progress("'nsp-1','nsp-2','nsp-3' | Remove-NetNamespace -WhatIf"));
}
