using System;
using System.IO;
using System.Linq;
using System.Text;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// Golden files for the firewall planners: a plan rendered as its objects, -WhatIf lines and undos, compared with
/// Golden/NAME.txt. NETNSPS_UPDATE_GOLDEN=1 writes the files instead (then review the diff). The rendering is the
/// one main's GoldenPlan uses for the other planners, so the two helpers can become one when the branches meet.
/// </summary>
public static class FirewallGolden
{
    public const string UpdateVariable = "NETNSPS_UPDATE_GOLDEN";

    /// <summary>One line per object ("object: ..."), per step ("step: ...") and per undo ("  undo: ..."); "(no change)" for an empty plan.</summary>
    public static string Render(Plan plan)
    {
        if (plan.IsEmpty)
        {
            return "(no change)\n";
        }
        var text = new StringBuilder();
        foreach (var o in plan.Objects())
        {
            text.Append("object: ").Append(o.Subject ?? "(none)").Append('\n');
            foreach (var step in o.Steps)
            {
                text.Append("step: ").Append(step.Command.Render()).Append('\n');
                if (step.Undo is not null)
                {
                    text.Append("  undo: ").Append(step.Undo.Render()).Append('\n');
                }
            }
        }
        return text.ToString();
    }

    public static void Verify(string name, string actual)
    {
        var path = Path.Combine(SourceDirectory(), "Golden", name + ".txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"no golden file {path}; run with {UpdateVariable}=1 to write it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    /// <summary>The test project's folder (the golden files live with the sources, not in bin/).</summary>
    private static string SourceDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.GetFiles("NetNsPS.Tests.csproj").Any())
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("NetNsPS.Tests.csproj not found above " + AppContext.BaseDirectory);
    }
}
