using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace NetNsPS.Lab;

/// <summary>Reads a lab file: a .psd1 through Import-PowerShellDataFile (no code runs), a containerlab .clab.yml through YamlDotNet.</summary>
public static class LabFile
{
    public static bool IsYaml(string path) =>
        path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase);

    // -SkipLimitCheck: without it, a data file of more than 500 keys or list items (a lab of 1,000 namespaces) is refused.
    /// <summary>The validated lab of the file at <paramref name="path"/> (a full file-system path); its warnings are written to the cmdlet.</summary>
    public static LabSpec Load(PSCmdlet cmdlet, string path)
    {
        if (!File.Exists(path))
        {
            throw new NetNsException($"Lab file '{path}' does not exist.", "LabFileNotFound", ErrorCategory.ObjectNotFound, path);
        }
        var warnings = new List<string>();
        object? data;
        if (IsYaml(path))
        {
            data = Containerlab.ToData(File.ReadAllText(path), path, warnings);
        }
        else
        {
            try
            {
                data = cmdlet.InvokeCommand.InvokeScript("Import-PowerShellDataFile -LiteralPath $args[0] -SkipLimitCheck", path)
                    .Select(o => o?.BaseObject).FirstOrDefault();
            }
            catch (RuntimeException e)
            {
                // The parser's message may quote the whole file: its first line says what is wrong.
                var reason = Linux.Names.Show(e.Message.Split('\n')[0].Trim());
                throw new NetNsException($"The lab file {path} is not a PowerShell data file; nothing was changed: {reason}",
                    "InvalidLabFile", ErrorCategory.InvalidData, path);
            }
        }
        var spec = LabReader.Read(data, path, out var more);
        foreach (var warning in warnings.Concat(more))
        {
            cmdlet.WriteWarning($"{Path.GetFileName(path)}: {warning}");
        }
        return spec;
    }
}
