using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LogPipe.Hosting.TestSupport;

/// <summary>
/// kinesalite's shard iterators are <c>00 00 00 00 00 00 00 01</c> followed by AES-256-CBC of
/// <c>"{issued ms, 14 digits}/{stream}/{shard}/{sequence}/{36 zeros}"</c>, with a key and IV fixed in its
/// source (db/index.js, ITERATOR_PWD_KEY/IV). Rewriting the issue time lets a test get a genuine
/// ExpiredIteratorException without waiting five minutes.
/// </summary>
public static class KinesaliteIterators
{
    private static readonly byte[] Key = Convert.FromHexString("1133a5a833666b49abf28c8ba302930f0b2fb240dccd43cf4dfbc0ca91f17751");
    private static readonly byte[] Iv = Convert.FromHexString("7bf139dbabbea2d9995d6fcae1dff7da");

    /// <summary>The same iterator, as if issued <paramref name="age"/> ago.</summary>
    public static string Age(string iterator, TimeSpan age)
    {
        var bytes = Convert.FromBase64String(iterator);
        using var aes = Aes.Create();
        aes.Key = Key;
        var pieces = Decrypt(aes, bytes);
        var issued = DateTimeOffset.UtcNow - age;
        pieces[0] = issued.ToUnixTimeMilliseconds().ToString("D14", CultureInfo.InvariantCulture);
        var cipher = aes.EncryptCbc(Encoding.UTF8.GetBytes(string.Join('/', pieces)), Iv);
        return Convert.ToBase64String([.. bytes.AsSpan(0, 8), .. cipher]);
    }

    /// <summary>The shard an iterator reads.</summary>
    public static string ShardOf(string iterator)
    {
        using var aes = Aes.Create();
        aes.Key = Key;
        return Decrypt(aes, Convert.FromBase64String(iterator))[2];
    }

    private static string[] Decrypt(Aes aes, byte[] iterator) => Encoding.UTF8.GetString(aes.DecryptCbc(iterator.AsSpan(8), Iv)).Split('/');
}
