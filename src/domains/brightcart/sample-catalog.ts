/** Fixed sample data the seed draws from; code, not a faker dependency, so it never drifts. */
export type ProductCategory = 'home' | 'kitchen' | 'electronics';

export interface Product {
  sku: string;
  name: string;
  category: ProductCategory;
  priceCents: number;
}

export const products: readonly Product[] = [
  { sku: 'HOME-001', name: 'Linen Duvet Cover (Queen)', category: 'home', priceCents: 8900 },
  { sku: 'HOME-002', name: 'Wool Throw Blanket', category: 'home', priceCents: 6450 },
  { sku: 'HOME-003', name: 'Ceramic Table Lamp', category: 'home', priceCents: 5999 },
  { sku: 'HOME-004', name: 'Bamboo Bath Towel Set', category: 'home', priceCents: 3450 },
  { sku: 'HOME-005', name: 'Scented Soy Candle Trio', category: 'home', priceCents: 2400 },
  { sku: 'HOME-006', name: 'Woven Storage Basket', category: 'home', priceCents: 2899 },
  { sku: 'KIT-001', name: 'Cast Iron Skillet 12-inch', category: 'kitchen', priceCents: 4499 },
  { sku: 'KIT-002', name: 'Ceramic Pour-Over Coffee Set', category: 'kitchen', priceCents: 12999 },
  { sku: 'KIT-003', name: "Chef's Knife 8-inch", category: 'kitchen', priceCents: 7900 },
  { sku: 'KIT-004', name: 'Glass Food Storage Set', category: 'kitchen', priceCents: 3299 },
  { sku: 'KIT-005', name: 'Stand Mixer', category: 'kitchen', priceCents: 32900 },
  { sku: 'ELEC-001', name: 'Wireless Earbuds', category: 'electronics', priceCents: 7999 },
  { sku: 'ELEC-002', name: 'Smart LED Desk Lamp', category: 'electronics', priceCents: 4000 },
  { sku: 'ELEC-003', name: '55-inch 4K Smart TV', category: 'electronics', priceCents: 84200 },
  { sku: 'ELEC-004', name: 'Bluetooth Speaker', category: 'electronics', priceCents: 5900 },
  { sku: 'ELEC-005', name: 'Robot Vacuum', category: 'electronics', priceCents: 29900 },
  { sku: 'ELEC-006', name: 'Noise-Cancelling Headphones', category: 'electronics', priceCents: 24999 },
  { sku: 'ELEC-007', name: 'USB-C Charging Hub', category: 'electronics', priceCents: 3999 },
  { sku: 'ELEC-008', name: 'Smart Thermostat', category: 'electronics', priceCents: 17900 },
];

export function productBySku(sku: string): Product {
  const product = products.find((candidate) => candidate.sku === sku);
  if (product === undefined) throw new Error(`Unknown sample product ${sku}`);
  return product;
}

export const firstNames = [
  'Olivia', 'Noah', 'Emma', 'Liam', 'Ava', 'Ethan', 'Mia', 'Lucas', 'Isabella', 'Mason',
  'Amara', 'Mateo', 'Priya', 'Kenji', 'Fatima', 'Diego', 'Chloe', 'Omar', 'Hannah', 'Yusuf',
  'Grace', 'Leo', 'Zara', 'Ravi', 'Elena', 'Samuel', 'Nora', 'Tariq', 'Ingrid', 'Felix',
] as const;

export const lastNames = [
  'Johnson', 'Garcia', 'Nguyen', 'Smith', 'Kowalski', 'Haddad', 'Brown', 'Silva', 'Murphy', 'Rossi',
  'Kim', 'Andersen', 'Mensah', 'Dubois', 'Schmidt', 'Ortiz', 'Chen', 'Novak', 'Ibrahim', 'Walsh',
  'Sato', 'Fischer', 'Costa', 'Reyes', 'Bakker', 'Singh', 'Moreno', 'Evans', 'Lund', 'Petrov',
] as const;

export const carriers = ['UPS', 'FedEx', 'USPS'] as const;

export const paymentMethods = ['card', 'card', 'card', 'paypal', 'gift_card'] as const;

/** Standard shipping is free from $50.00; express and overnight are flat fees. */
export function shippingFeeCents(service: 'standard' | 'express' | 'overnight', subtotalCents: number): number {
  if (service === 'express') return 1450;
  if (service === 'overnight') return 2500;
  return subtotalCents >= 5000 ? 0 : 599;
}
