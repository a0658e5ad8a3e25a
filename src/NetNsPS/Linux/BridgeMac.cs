using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace NetNsPS.Linux;

/// <summary>
/// The MAC address New-NetBridge gives a bridge it creates. Left to itself the kernel derives a bridge's MAC from its
/// ports: it changes when the first port joins or the lowest-addressed one leaves, and drops to 00:00:00:00:00:00 when
/// the last one goes, so neighbours' ARP entries for the bridge's address go stale, and a veth added and rolled back
/// (or removed) leaves the bridge changed. Docker sets one on its bridges for the same reason. This one is stable:
/// derived from the machine id and the bridge name (a bridge made again gets the same address), unicast and
/// locally administered.
/// </summary>
public static class BridgeMac
{
    public static string For(string bridge) => For(bridge, MachineId());

    /// <summary>The MAC of a bridge on the machine with this id (a locally administered unicast address).</summary>
    public static string For(string bridge, string machineId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(machineId + "\n" + bridge));
        hash[0] = (byte)((hash[0] & 0xFE) | 0x02);
        return string.Join(':', hash.Take(6).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>This machine's id (systemd's machine-id), the host name where there is none.</summary>
    public static string MachineId()
    {
        foreach (var path in new[] { "/etc/machine-id", "/var/lib/dbus/machine-id" })
        {
            try
            {
                var id = File.ReadAllText(path).Trim();
                if (id.Length > 0)
                {
                    return id;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return Environment.MachineName;
    }
}
