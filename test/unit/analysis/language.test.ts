import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectLanguage, languageSample, toIso639_1, toIso639_3 } from '../../../src/core/analysis/language.js';

const samples: Array<[string, string]> = [
  ['en', 'Hello, I ordered a new phone two weeks ago and it has still not arrived. Could you please check what has happened to my order?'],
  ['sv', 'Hej! Jag beställde en ny telefon för två veckor sedan och den har fortfarande inte kommit. Kan ni kolla vad som har hänt med min beställning?'],
  ['de', 'Guten Tag, ich habe vor zwei Wochen ein neues Telefon bestellt und es ist immer noch nicht angekommen. Können Sie bitte nachsehen, was passiert ist?'],
  ['fr', "Bonjour, j'ai commandé un nouveau téléphone il y a deux semaines et il n'est toujours pas arrivé. Pouvez-vous vérifier ce qui s'est passé avec ma commande ?"],
  ['es', 'Buenos días, quisiera saber cuándo me van a enviar la factura del mes pasado. Necesito el documento para mi empresa y todavía no lo he recibido. Muchas gracias por su ayuda.'],
  ['it', 'Buongiorno, ho ordinato un nuovo telefono due settimane fa e non è ancora arrivato. Potreste controllare cosa è successo al mio ordine?'],
  ['nl', 'Hallo, ik heb twee weken geleden een nieuwe telefoon besteld en die is nog steeds niet aangekomen. Kunt u nagaan wat er met mijn bestelling is gebeurd?'],
  ['da', 'Hej, jeg bestilte en ny telefon for to uger siden, og den er stadig ikke kommet. Kan I undersøge, hvad der er sket med min bestilling?'],
  ['nb', 'Hei, jeg bestilte en ny telefon for to uker siden, og den har fortsatt ikke kommet. Kan dere sjekke hva som har skjedd med bestillingen min?'],
  ['fi', 'Hei, tilasin uuden puhelimen kaksi viikkoa sitten, eikä se ole vieläkään saapunut. Voisitteko tarkistaa, mitä tilaukselleni on tapahtunut?'],
  ['pt', 'Olá, encomendei um telemóvel novo há duas semanas e ainda não chegou. Podem verificar o que aconteceu com a minha encomenda, por favor?'],
  ['pl', 'Dzień dobry, zamówiłem nowy telefon dwa tygodnie temu i nadal nie dotarł. Czy mogą Państwo sprawdzić, co się stało z moim zamówieniem?'],
];

describe('detectLanguage', () => {
  it.each(samples)('detects %s', (lang, text) => {
    const r = detectLanguage(text);
    expect(r).toMatchObject({ language: lang, source: 'franc' });
    expect(r.confidence).toBeGreaterThanOrEqual(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
  });

  it('too-short text is unknown', () => {
    expect(detectLanguage('Hej hej')).toEqual({ language: 'unknown', source: 'too-short' });
    expect(detectLanguage('')).toEqual({ language: 'unknown', source: 'too-short' });
  });

  it('minLength is configurable', () => {
    expect(detectLanguage('Thank you for the quick answer', { minLength: 10 }).source).toBe('franc');
    expect(detectLanguage(samples[0][1], { minLength: 1000 }).source).toBe('too-short');
  });

  it('quoted lines, signatures, URLs, addresses and numbers do not count', () => {
    const text = 'Tack!\n\n> Hello, I ordered a new phone two weeks ago and it has still not arrived.\n> Please check.\n-- \nAnna Andersson, https://example.com, anna@example.com 0701234567';
    expect(languageSample(text)).toBe('Tack!');
    expect(detectLanguage(text).source).toBe('too-short');
  });

  it('a category language overrides franc', () => {
    expect(detectLanguage(samples[0][1], { categoryLanguage: { language: 'SV', category: 'swedish' } }))
      .toEqual({ language: 'sv', source: 'category', confidence: 1, category: 'swedish' });
    expect(detectLanguage('x', { categoryLanguage: { language: 'de' } }).source).toBe('category');
    expect(detectLanguage(samples[0][1], { categoryLanguage: null }).source).toBe('franc');
  });

  it('the candidate set can be narrowed (ISO 639-1 or 639-3) or opened', () => {
    expect(detectLanguage(samples[7][1], { only: ['sv', 'nob'] }).language).toMatch(/^(sv|nb)$/);
    const all = detectLanguage(samples[0][1], { only: 'all' });
    expect(all.source).toBe('franc');
  });

  it('short samples of close languages can be wrong; narrowing the candidates fixes them', () => {
    const es = 'Hola, pedí un teléfono nuevo hace dos semanas y todavía no ha llegado. ¿Podrían comprobar qué ha pasado con mi pedido, por favor?';
    expect(detectLanguage(es, { only: ['es', 'en', 'sv'] }).language).toBe('es');
  });

  it('languages without an ISO 639-1 code keep the 3-letter code', () => {
    expect(toIso639_1('sco')).toBe('sco');
    expect(toIso639_1('swe')).toBe('sv');
    expect(toIso639_1('nob')).toBe('nb');
    expect(toIso639_3('no')).toBe('nob');
    expect(toIso639_3('sv')).toBe('swe');
  });

  it('non-Latin scripts', () => {
    expect(detectLanguage('Здравствуйте! Я хотел бы узнать, когда будет доставлен мой заказ. Спасибо за помощь и хорошего дня.').language).toBe('ru');
    expect(detectLanguage('Γεια σας, παρήγγειλα ένα νέο τηλέφωνο πριν από δύο εβδομάδες και ακόμα δεν έχει φτάσει.').language).toBe('el');
  });

  it('never throws (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (t) => {
      const r = detectLanguage(t, { minLength: 5 });
      expect(typeof r.language).toBe('string');
    }));
  });
});
