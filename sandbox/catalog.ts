// Reference data shared by all orders of one seed: vendors, warehouses, variants.
import { Rng, SALT, mix32 } from './rng.js';

export interface Vendor {
  id: string; // vendor ids are the lower-cased name
  name: string;
  email: string;
  currency: string;
  paymentTerms: string;
  shipmentMethod: string;
  address: string;
}

export interface Warehouse {
  id: string;
  name: string;
}

export interface Variant {
  id: string;
  sku: string;
  title: string;
  vendorReference: string;
  vendorName: string | undefined; // absent on ~30% of variants
  cost: number;
  price: number;
  uom: number;
  barcode: string;
  productId: string;
  productType: string;
  image: string;
  attributes: readonly { n: string; t: string }[];
}

export interface Catalog {
  connection: string; // e.g. "c4821", prefix of warehouse and variant ids
  vendors: Vendor[];
  warehouses: Warehouse[];
  variants: Variant[];
}

/** Prime, so a stride walk over variants never repeats within one order. */
export const VARIANT_COUNT = 10_007;

const VENDOR_A = [
  'Northwind',
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Hooli',
  'Vandelay',
  'Soylent',
];
const VENDOR_B = ['Textiles', 'Packaging', 'Supply Co', 'Trading', 'Imports', 'Goods', 'Manufacturing', 'Outfitters'];
const CURRENCIES = ['USD', 'USD', 'USD', 'EUR', 'GBP', 'CAD'];
const TERMS = ['', '', '', 'Net 30', 'Net 60', 'Prepaid'];
const METHODS = ['', '', 'Sea freight', 'Air freight', 'Ground'];
const WAREHOUSE_NAMES = ['Main Warehouse', 'East Coast DC', 'West Coast DC', 'EU Fulfilment', 'Returns Hub'];
const PRODUCTS = [
  'Classic Tee',
  'Hoodie',
  'Mailer Box',
  'Canvas Tote',
  'Water Bottle',
  'Desk Lamp',
  'Notebook',
  'Beanie',
  'Socks',
  'Phone Case',
  'Yoga Mat',
  'Candle',
];
const COLORS = ['Black', 'White', 'Navy', 'Red', 'Olive', 'Sand', 'Grey'];
const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'One Size'];
const TYPES = ['Apparel', 'Packaging', 'Accessories', 'Home', ''];
const UOMS = [1, 1, 1, 6, 12, 50];

const code = (word: string): string =>
  word
    .replace(/[^A-Za-z]/g, '')
    .slice(0, 3)
    .toUpperCase();

export function buildCatalog(seed: number): Catalog {
  const r = new Rng(seed, 0, SALT.catalog);
  const connection = `c${1000 + (mix32(seed) % 9000)}`;
  const vendors: Vendor[] = [];
  const seen = new Set<string>();
  for (const a of VENDOR_A) {
    for (const b of VENDOR_B) {
      if (!r.chance(0.5)) continue;
      const name = `${a} ${b}`;
      if (seen.has(name)) continue;
      seen.add(name);
      const slug = name.toLowerCase().replace(/[^a-z]/g, '');
      vendors.push({
        id: name.toLowerCase(),
        name,
        email: r.chance(0.8) ? `orders@${slug}.example` : '',
        currency: r.pick(CURRENCIES),
        paymentTerms: r.pick(TERMS),
        shipmentMethod: r.pick(METHODS),
        address: `${r.range(1, 999)} ${a} Street, Springfield`,
      });
    }
  }
  const warehouses = WAREHOUSE_NAMES.map((name) => ({ id: `${connection}_${r.range(10_000_000, 99_999_999)}`, name }));
  const variants: Variant[] = [];
  const idBase = 40_118_830_000 + r.int(1_000_000) * 100;
  for (let k = 0; k < VARIANT_COUNT; k++) {
    const product = r.pick(PRODUCTS);
    const color = r.pick(COLORS);
    const size = r.pick(SIZES);
    const cost = r.money(0.2, 120);
    const productId = String(7_000_000_000 + Math.floor(k / 4) * 31);
    variants.push({
      id: `${connection}_${idBase + k * 13 + r.int(13)}`,
      sku: `${code(product)}-${code(color)}-${size.replace(' ', '').toUpperCase()}-${String(k).padStart(5, '0')}`,
      title: `${product} - ${color} / ${size}`,
      vendorReference: r.chance(0.25)
        ? String(r.range(0, 999_999)).padStart(6, '0')
        : `VR-${code(product)}-${r.range(100, 9999)}`,
      vendorName: r.chance(0.7) ? `${product} ${color} ${size}`.toLowerCase() : undefined,
      cost,
      price: Math.round(cost * (1.5 + r.next() * 2) * 100) / 100,
      uom: r.pick(UOMS),
      barcode: String(r.range(100_000_000, 999_999_999)) + String(r.range(1000, 9999)),
      productId,
      productType: r.pick(TYPES),
      image: `https://cdn.example.com/products/${productId}.jpg`,
      attributes: Object.freeze([Object.freeze({ n: 'Title', t: `${product} - ${color} / ${size}` })]),
    });
  }
  return { connection, vendors, warehouses, variants };
}
