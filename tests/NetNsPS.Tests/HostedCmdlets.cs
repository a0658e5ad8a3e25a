using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace NetNsPS.Tests;

/// <summary>
/// Runs a script against every NetNsPS cmdlet in a hosted PowerShell (no module import, no root). Meant for argument
/// checks that fail before anything is read or changed; scripts pass -WhatIf besides, so nothing could change anyway.
/// </summary>
internal static class HostedCmdlets
{
    public static (List<PSObject> Output, List<ErrorRecord> Errors) Run(string script)
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in typeof(NetNsException).Assembly.GetTypes())
        {
            if (type.GetCustomAttributes(typeof(CmdletAttribute), false).FirstOrDefault() is CmdletAttribute cmdlet)
            {
                state.Commands.Add(new SessionStateCmdletEntry($"{cmdlet.VerbName}-{cmdlet.NounName}", type, null));
            }
        }
        using var ps = PowerShell.Create(state);
        var output = ps.AddScript(script).Invoke().ToList();
        return (output, ps.Streams.Error.ToList());
    }

    public static List<ErrorRecord> Errors(string script) => Run(script).Errors;
}
