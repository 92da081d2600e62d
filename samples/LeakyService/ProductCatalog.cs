namespace LeakyService;

public sealed class Product(int id, string name, byte[] details)
{
    public int Id { get; } = id;
    public string Name { get; } = name;
    public byte[] Details { get; } = details;
}

/// <summary>The big stable working set: filled once at start, then only read.</summary>
public static class ProductCatalog
{
    private static Dictionary<int, Product> s_products = [];

    public static int Count => s_products.Count;

    public static void Fill(int entries, int detailBytes)
    {
        var products = new Dictionary<int, Product>(entries);
        for (int id = 0; id < entries; id++)
            products[id] = new Product(id, "product-" + id, new byte[detailBytes]);
        s_products = products;
    }

    public static Product? Find(int id) => s_products.GetValueOrDefault(id);
}
