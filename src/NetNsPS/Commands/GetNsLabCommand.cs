using NetNsPS.Operations;
using System;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Lab;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>The deployed labs (from their state files) and how the system compares with each: Deployed, Drifted or Missing.</summary>
[Cmdlet(VerbsCommon.Get, "NsLab")]
[OutputType(typeof(NsLab))]
public sealed class GetNsLabCommand : NetNsCmdlet
{
    /// <summary>Only these labs (wildcards allowed); default: all.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void Process()
    {
        var patterns = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        var found = false;
        foreach (var record in LabStore.ReadAll().Where(r => patterns.Any(p => p.IsMatch(r.Spec.Name))))
        {
            found = true;
            Emit(LabPlanner.Status(State, Firewall, record, Environment.ProcessId));
        }
        if (!found && Name is not null && Name.All(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            throw LabNotFound(string.Join(", ", Name));
        }
    }

    internal static NetNsException LabNotFound(string name) =>
        new($"No lab '{name}' is deployed (no {LabStore.PathOf(name)}); Get-NsLab lists the deployed ones.",
            "LabNotFound", ErrorCategory.ObjectNotFound, name);
}
